import { applyAccountCommand, runTenantCommand } from './apply.js';
import { CommandError } from './errors.js';
import { MemoryAccountStore } from './memory.js';
import { RawJson } from './sse.js';
import type { VerifiedCommand } from './verify.js';

type AccountVerified = Extract<VerifiedCommand, { kind: 'account' }>;
const ctx = { iss: 'https://op.test', tenant: 'acme' };
const cmd = (command: AccountVerified['command'], sub = 'u1', claims: Record<string, unknown> = {}, extra: Partial<AccountVerified> = {}): AccountVerified => ({
  ...ctx,
  kind: 'account',
  command,
  async: false,
  sub,
  clientId: 'rp-1',
  jti: Math.random().toString(36),
  wireCommand: command,
  claims: { iss: ctx.iss, sub, command, tenant: ctx.tenant, ...claims },
  ...extra,
});

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CommandError) return { status: err.status, ...err.body };
    throw err;
  }
  throw new Error('succeeded');
}

it('runs a lifecycle and keeps profile claims only', async () => {
  const store = new MemoryAccountStore();
  expect(await applyAccountCommand(cmd('activate', 'u1', { email: 'a@x', groups: ['g'], exp: 1 }), store)).toEqual({ status: 200, body: { sub: 'u1', account_state: 'active' } });
  expect((await store.get(ctx, 'u1'))?.claims).toEqual({ email: 'a@x', groups: ['g'] });
  expect(await errorOf(applyAccountCommand(cmd('activate'), store))).toEqual({ status: 409, error: 'incompatible_state', account_state: 'active', sub: 'u1' });
  expect((await applyAccountCommand(cmd('suspend'), store)).body.account_state).toBe('suspended');
  expect(store.invalidated).toEqual(['acme:u1']);
  expect(await errorOf(applyAccountCommand(cmd('restore'), store))).toMatchObject({ status: 409, account_state: 'suspended' });
  expect((await applyAccountCommand(cmd('archive'), store)).body.account_state).toBe('archived');
  expect((await applyAccountCommand(cmd('delete'), store)).body).toEqual({ sub: 'u1', account_state: 'unknown' });
  expect(await store.get(ctx, 'u1')).toBeUndefined();
  expect(await applyAccountCommand(cmd('audit'), store)).toEqual({ status: 200, body: { sub: 'u1', account_state: 'unknown' } });
});

it('answers 202 for _async commands', async () => {
  const store = new MemoryAccountStore();
  expect(await applyAccountCommand(cmd('activate', 'u1', {}, { async: true }), store)).toEqual({ status: 202, body: { sub: 'u1', account_state: 'active' } });
});

it('refuses migrate unless the store allows it', async () => {
  const store = new MemoryAccountStore();
  await applyAccountCommand(cmd('activate'), store);
  expect(await errorOf(applyAccountCommand(cmd('migrate', 'u1', {}, { authenticationProvider: 'op' }), store))).toMatchObject({ status: 403, error: 'access_denied' });
  store.migrate = () => Promise.resolve('authentication_not_transferable' as const);
  expect(await errorOf(applyAccountCommand(cmd('migrate', 'u1', {}, { authenticationProvider: 'op' }), store))).toMatchObject({ status: 409, error: 'authentication_not_transferable' });
  store.migrate = () => Promise.resolve('ok' as const);
  expect((await applyAccountCommand(cmd('migrate', 'u1', {}, { authenticationProvider: 'op_migration' }), store)).body).toMatchObject({ authentication_provider: 'op_migration' });
  expect((await applyAccountCommand(cmd('audit'), store)).body).toMatchObject({ authentication_provider: 'op_migration' });
});

async function collect(items: AsyncIterable<{ event: string; data: unknown }>) {
  const out: { event: string; data: unknown }[] = [];
  for await (const item of items) out.push(item);
  return out;
}

it('streams tenant commands with a final count', async () => {
  const store = new MemoryAccountStore();
  for (const sub of ['a', 'b', 'c']) await applyAccountCommand(cmd('activate', sub), store);
  await applyAccountCommand(cmd('suspend', 'c'), store);
  expect(await collect(runTenantCommand('audit_tenant', ctx, store))).toEqual([
    { event: 'account-state', data: { sub: 'a', account_state: 'active', authentication_provider: 'op' } },
    { event: 'account-state', data: { sub: 'b', account_state: 'active', authentication_provider: 'op' } },
    { event: 'account-state', data: { sub: 'c', account_state: 'suspended', authentication_provider: 'op' } },
    { event: 'command-complete', data: { total_accounts: 3 } },
  ]);
  expect((await collect(runTenantCommand('invalidate_tenant', ctx, store))).at(-1)).toEqual({ event: 'command-complete', data: { total_accounts: 2 } });
  expect((await collect(runTenantCommand('suspend_tenant', ctx, store))).map((e) => e.data)).toEqual([
    { sub: 'a', account_state: 'suspended' },
    { sub: 'b', account_state: 'suspended' },
    { total_accounts: 2 },
  ]);
  expect((await collect(runTenantCommand('archive_tenant', ctx, store))).at(-1)?.data).toEqual({ total_accounts: 3 });
  expect(await collect(runTenantCommand('delete_tenant', ctx, store))).toEqual([{ event: 'command-complete', data: { total_accounts: 0 } }]);
  expect(await collect(runTenantCommand('audit_tenant', ctx, store))).toEqual([{ event: 'command-complete', data: { total_accounts: 0 } }]);
});

it('audit_tenant uses the store’s pre-serialised pages when it has them', async () => {
  const store = new MemoryAccountStore();
  await store.create(ctx, 'ignored', {});
  const pages = [['{"sub":"a","account_state":"active"}', '{"sub":"b","account_state":"suspended"}'], [], ['{"sub":"c","account_state":"archived"}']];
  const fast = Object.assign(store, {
    async *listAuditData() {
      for (const page of pages) yield await Promise.resolve(page);
    },
  });
  const items = await collect(runTenantCommand('audit_tenant', ctx, fast));
  expect(items.map((item) => (item.data instanceof RawJson ? item.data.text : item.data))).toEqual([...pages.flat(), { total_accounts: 3 }]);
  // Other streaming commands still go through listByTenant.
  expect((await collect(runTenantCommand('invalidate_tenant', ctx, fast))).at(-1)?.data).toEqual({ total_accounts: 1 });
});
