import type { AccountStore, CommandContext, StoredAccount } from './store.js';
import type { ReplayStore } from './verify.js';

const keyOf = (ctx: CommandContext): string => JSON.stringify([ctx.iss, ctx.tenant]);

/**
 * An in-memory {@link AccountStore} for tests and demos (a real RP keeps accounts in its
 * database). `invalidated` records every invalidate call as `tenant:sub`.
 *
 * @example
 * ```ts
 * const store = new MemoryAccountStore();
 * app.post('/commands', commandEndpoint({ ..., store }));
 * ```
 */
export class MemoryAccountStore implements AccountStore {
  readonly tenants = new Map<string, Map<string, StoredAccount>>();
  readonly metadata = new Map<string, Record<string, unknown>>();
  readonly invalidated: string[] = [];
  /** The `migrate` policy; unset refuses every migration (403). */
  migrate: AccountStore['migrate'];

  #accounts(ctx: CommandContext): Map<string, StoredAccount> {
    let accounts = this.tenants.get(keyOf(ctx));
    if (accounts === undefined) {
      accounts = new Map();
      this.tenants.set(keyOf(ctx), accounts);
    }
    return accounts;
  }

  get(ctx: CommandContext, sub: string): Promise<StoredAccount | undefined> {
    const account = this.#accounts(ctx).get(sub);
    return Promise.resolve(account === undefined ? undefined : structuredClone(account));
  }

  create(ctx: CommandContext, sub: string, claims: Record<string, unknown>): Promise<StoredAccount> {
    const account: StoredAccount = { sub, state: 'active', claims, authenticationProvider: 'op' };
    this.#accounts(ctx).set(sub, account);
    return Promise.resolve(structuredClone(account));
  }

  update(ctx: CommandContext, sub: string, change: Parameters<AccountStore['update']>[2]): Promise<StoredAccount> {
    const account = this.#accounts(ctx).get(sub);
    if (account === undefined) return Promise.reject(new Error(`no account ${sub}`));
    Object.assign(account, Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)));
    return Promise.resolve(structuredClone(account));
  }

  delete(ctx: CommandContext, sub: string): Promise<void> {
    this.#accounts(ctx).delete(sub);
    return Promise.resolve();
  }

  invalidate(ctx: CommandContext, sub: string): Promise<void> {
    this.invalidated.push(`${ctx.tenant}:${sub}`);
    return Promise.resolve();
  }

  async *listByTenant(ctx: CommandContext, filter?: { states?: readonly StoredAccount['state'][] }): AsyncIterable<StoredAccount> {
    for (const account of [...this.#accounts(ctx).values()]) {
      if (filter?.states === undefined || filter.states.includes(account.state)) yield await Promise.resolve(structuredClone(account));
    }
  }

  saveMetadata(ctx: CommandContext, metadata: Record<string, unknown>): Promise<void> {
    this.metadata.set(keyOf(ctx), metadata);
    return Promise.resolve();
  }
}

/**
 * An in-memory {@link ReplayStore}; entries are dropped once their `exp` has passed. A single
 * process only: a real RP persists jtis so a replay across restarts or instances still fails.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();

  checkAndStore(iss: string, jti: string, exp: number): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000);
    for (const [key, expiry] of this.#seen) if (expiry < now - 300) this.#seen.delete(key);
    const key = JSON.stringify([iss, jti]);
    if (this.#seen.has(key)) return Promise.resolve(false);
    this.#seen.set(key, exp);
    return Promise.resolve(true);
  }
}
