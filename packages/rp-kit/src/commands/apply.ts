import { CommandError } from './errors.js';
import type { AccountCommand, AccountState } from './names.js';
import { RawJson } from './sse.js';
import { nextState } from './state-machine.js';
import type { AccountStore, CommandContext, StoredAccount } from './store.js';
import type { VerifiedCommand } from './verify.js';

/** Claims of a token that describe the command rather than the account (never retained). */
const ENVELOPE = new Set(['iss', 'aud', 'client_id', 'iat', 'exp', 'nbf', 'jti', 'command', 'tenant', 'sub', 'aud_sub', 'callback_token', 'metadata', 'authentication_provider', 'nonce']);

/** The profile claims of an `activate`/`maintain` token (standard claims, `groups`, `roles`). */
export function profileClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !ENVELOPE.has(name)));
}

/** What an account command answers: `{ sub, account_state, ... }` (200, or 202 for `_async`). */
export interface AccountCommandResult {
  status: 200 | 202;
  body: { sub: string; account_state: AccountState } & Record<string, unknown>;
}

function auditBody(sub: string, account: StoredAccount | undefined): AccountCommandResult['body'] {
  if (account === undefined) return { sub, account_state: 'unknown' };
  return {
    ...account.claims,
    sub,
    account_state: account.state,
    ...(account.audSub === undefined ? {} : { aud_sub: account.audSub }),
    ...(account.lastAccess === undefined ? {} : { last_access: account.lastAccess }),
    ...(account.authenticationProvider === undefined ? {} : { authentication_provider: account.authenticationProvider }),
  };
}

/**
 * Runs a verified account command against the store: the state machine of §2, invalidate
 * functionality before `suspend`/`archive`/`delete` and for `invalidate`, and the §5 answers.
 * `_async` commands are applied at once and answered 202; sending the callback is the caller's
 * job (`result.body` is what to POST).
 *
 * @throws {@link CommandError} 409 `incompatible_state` (with `account_state` and `sub`), or the
 * `migrate` refusals 403 `access_denied` / 409 `authentication_not_transferable`.
 *
 * @example
 * ```ts
 * const { status, body } = await applyAccountCommand(command, store);
 * ```
 */
export async function applyAccountCommand(command: Extract<VerifiedCommand, { kind: 'account' }>, store: AccountStore): Promise<AccountCommandResult> {
  const ctx: CommandContext = { iss: command.iss, tenant: command.tenant };
  const { sub } = command;
  const account = await store.get(ctx, sub);
  const current: AccountState = account?.state ?? 'unknown';
  const name: AccountCommand = command.command;
  const transition = nextState(name, current);
  if (!transition.ok) throw new CommandError(409, 'incompatible_state', undefined, { account_state: transition.account_state, sub });
  const status = command.async ? 202 : 200;

  let result: StoredAccount | undefined = account;
  switch (name) {
    case 'audit':
      return { status, body: auditBody(sub, account) };
    case 'activate':
      result = await store.create(ctx, sub, profileClaims(command.claims));
      break;
    case 'maintain':
      result = await store.update(ctx, sub, { claims: profileClaims(command.claims) });
      break;
    case 'invalidate':
      await store.invalidate(ctx, sub);
      break;
    case 'suspend':
    case 'archive':
      await store.invalidate(ctx, sub);
      result = await store.update(ctx, sub, { state: transition.state as StoredAccount['state'] });
      break;
    case 'reactivate':
    case 'restore':
      result = await store.update(ctx, sub, { state: 'active' });
      break;
    case 'delete':
      await store.invalidate(ctx, sub);
      await store.delete(ctx, sub);
      return { status, body: { sub, account_state: 'unknown' } };
    case 'migrate': {
      const to = command.authenticationProvider ?? 'op';
      const verdict = store.migrate === undefined || account === undefined ? 'access_denied' : await store.migrate(ctx, account, to);
      if (verdict === 'access_denied') throw new CommandError(403, 'access_denied', 'migration is not allowed for this account');
      if (verdict === 'authentication_not_transferable') throw new CommandError(409, 'authentication_not_transferable', 'the account is bound to another provider');
      result = await store.update(ctx, sub, { authenticationProvider: to });
      return { status, body: { sub, account_state: result.state, authentication_provider: to } };
    }
  }
  return {
    status,
    body: { sub, account_state: result?.state ?? transition.state, ...(result?.audSub === undefined ? {} : { aud_sub: result.audSub }) },
  };
}

/** One `account-state` event's data, or the final count. */
export type TenantStreamItem = { event: 'account-state'; data: Record<string, unknown> | RawJson } | { event: 'command-complete'; data: { total_accounts: number } };

/**
 * Runs a streaming tenant command (§6.3), yielding each `account-state` event as the account is
 * processed and finally `command-complete` with the count. Accounts are read lazily from
 * `store.listByTenant` (or, for `audit_tenant`, the store's pre-serialised
 * `listAuditData` when it has one), so memory stays flat whatever the tenant size.
 *
 * @example
 * ```ts
 * for await (const item of runTenantCommand('audit_tenant', ctx, store)) console.log(item.event);
 * ```
 */
export async function* runTenantCommand(
  command: 'audit_tenant' | 'suspend_tenant' | 'archive_tenant' | 'delete_tenant' | 'invalidate_tenant',
  ctx: CommandContext,
  store: AccountStore,
): AsyncGenerator<TenantStreamItem> {
  let total = 0;
  switch (command) {
    case 'audit_tenant':
      if (store.listAuditData !== undefined) {
        for await (const page of store.listAuditData(ctx)) {
          for (const json of page) {
            total += 1;
            yield { event: 'account-state', data: new RawJson(json) };
          }
        }
        break;
      }
      for await (const account of store.listByTenant(ctx)) {
        total += 1;
        yield { event: 'account-state', data: auditBody(account.sub, account) };
      }
      break;
    case 'suspend_tenant':
    case 'archive_tenant': {
      const target = command === 'suspend_tenant' ? 'suspended' : 'archived';
      const states = command === 'suspend_tenant' ? (['active'] as const) : (['active', 'suspended'] as const);
      for await (const account of store.listByTenant(ctx, { states })) {
        await store.invalidate(ctx, account.sub);
        await store.update(ctx, account.sub, { state: target });
        total += 1;
        yield { event: 'account-state', data: { sub: account.sub, account_state: target } };
      }
      break;
    }
    case 'invalidate_tenant':
      for await (const account of store.listByTenant(ctx, { states: ['active'] })) {
        await store.invalidate(ctx, account.sub);
        total += 1;
        yield { event: 'account-state', data: { sub: account.sub, account_state: 'active' } };
      }
      break;
    case 'delete_tenant':
      // §6.3: no account-state events; success is a lone command-complete with 0.
      for await (const account of store.listByTenant(ctx)) {
        await store.invalidate(ctx, account.sub);
        await store.delete(ctx, account.sub);
      }
      break;
  }
  yield { event: 'command-complete', data: { total_accounts: total } };
}
