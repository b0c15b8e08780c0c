import type { AccountState } from './names.js';

/** Who a command comes from: one OP tenant. Every store call is scoped to it. */
export interface CommandContext {
  iss: string;
  tenant: string;
}

/** An account as the RP keeps it. `unknown` accounts are simply absent. */
export interface StoredAccount {
  sub: string;
  state: Exclude<AccountState, 'unknown'>;
  /** OP-provided claims the RP retained (reported by `audit`). */
  claims?: Record<string, unknown>;
  audSub?: string;
  /** NumericDate of the last sign-in. */
  lastAccess?: number;
  authenticationProvider?: 'rp' | 'op' | 'op_migration' | 'external' | 'unknown';
}

/**
 * Storage for the identity register, implemented by the RP. Every method is scoped to the
 * `(iss, tenant)` of the command: an account recorded under another tenant must be invisible
 * (digest §9, tenant isolation).
 */
export interface AccountStore {
  get(ctx: CommandContext, sub: string): Promise<StoredAccount | undefined>;
  /** `activate`: create the account from the token's profile claims. */
  create(ctx: CommandContext, sub: string, claims: Record<string, unknown>): Promise<StoredAccount>;
  /** Change the state and/or replace the retained claims. */
  update(ctx: CommandContext, sub: string, change: { state?: StoredAccount['state']; claims?: Record<string, unknown>; authenticationProvider?: StoredAccount['authenticationProvider'] }): Promise<StoredAccount>;
  /** `delete`: remove **all** data for the account. */
  delete(ctx: CommandContext, sub: string): Promise<void>;
  /** Invalidate functionality: end every session and revoke every token of the account. */
  invalidate(ctx: CommandContext, sub: string): Promise<void>;
  /**
   * The tenant's accounts, optionally only those in `states`, streamed (never loaded at once).
   * Streaming commands mutate accounts while iterating, so yield in a stable order (e.g. by id).
   */
  listByTenant(ctx: CommandContext, filter?: { states?: readonly StoredAccount['state'][] }): AsyncIterable<StoredAccount>;
  /**
   * Optional fast path for `audit_tenant`: the tenant's accounts as pages of `account-state`
   * data already serialised as one-line JSON objects, each exactly what an `audit` of the account
   * would answer (`sub`, `account_state`, retained claims, `last_access`,
   * `authentication_provider`, `aud_sub`). When present, `audit_tenant` uses it instead of
   * `listByTenant`, so a large tenant streams without building and serialising an object per
   * account. Stable order, read lazily like `listByTenant`.
   */
  listAuditData?(ctx: CommandContext): AsyncIterable<readonly string[]>;
  /** `metadata`: replace the stored OP metadata for `ctx` (each exchange replaces the last). */
  saveMetadata?(ctx: CommandContext, metadata: Record<string, unknown>, callbackToken?: string): Promise<void>;
  /** `migrate` policy; absent means every migrate is refused with 403 `access_denied`. */
  migrate?(ctx: CommandContext, account: StoredAccount, to: 'op' | 'op_migration'): Promise<'ok' | 'access_denied' | 'authentication_not_transferable'>;
}
