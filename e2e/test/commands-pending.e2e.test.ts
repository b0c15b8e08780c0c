// OpenID Provider Commands across both apps, digest §14 checks 12 (metadata), 17 (async with a
// callback) and 18 (migrate). They use pieces built in parallel with these tests, written to
// their contracts:
// - OP: `metadata` and `migrate` from the outbox (`POST /admin/commands` with
//   `authentication_provider`), the metadata claim built at mint time (callback_endpoint
//   `<issuer>/commands/callback`, the organisation's `domains` and `groups`), callback tokens in
//   `*_async` commands, `POST /commands/callback`, and `callback_response` /
//   `callback_received_at` on the delivery.
// - RP: `migrate` with its policy (the account's email domain must be one of the tenant's OP
//   `domains`; an `external` account is not transferable) and `accounts.authentication_provider`.
// - OP: `audit_tenant` results stored while the stream is read (`audit_accounts`), progress in
//   `last_response` ({stream: "reading", account_events}), shown by the admin console.
// Until both are merged, the OP-side tests here fail (the direct-to-RP metadata test passes).
import { randomBytes } from 'node:crypto';
import type { Stack } from '@oidc-ref/stack';
import type { KeySet } from '@oidc-ref/crypto';
import {
  routeTenantTo,
  startReceiver,
  commandClaims,
  commandEndpointOf,
  opSigningKeys,
  rpAccount,
  sendAndWait,
  signAndPost,
  waitForDelivery,
  withDb,
  enqueue,
} from './helpers/commands.js';
import { CLIENT_ID, jwtHeader, jwtPayload } from './helpers/oidc.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;
let keys: KeySet;

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_COMMANDS_POLL_MS: '200' } });
  keys = await opSigningKeys(stack);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const newSub = (label: string) => `e2e-${label}-${randomBytes(6).toString('hex')}`;

/** The OP metadata the RP stored for its tenant `externalId` (latest `metadata` command). */
async function storedOpMetadata(externalId: string): Promise<Record<string, unknown> | null> {
  return withDb(stack.rpDatabaseUrl, async (db) => {
    const { rows } = await db.query<{ op_metadata: Record<string, unknown> | null }>('SELECT op_metadata FROM tenants WHERE external_id = $1', [externalId]);
    return rows[0]?.op_metadata ?? null;
  });
}

/** Sets the acme organisation's domains and groups at the OP (its database: no admin API for them). */
async function setAcmeDirectory(domains: string[], groups: { id: string; display: string }[]) {
  await withDb(stack.opDatabaseUrl, async (db) => {
    await db.query('UPDATE organizations SET domains = $1 WHERE id = $2', [domains, 'acme']);
    await db.query('DELETE FROM groups WHERE organization_id = $1', ['acme']);
    for (const group of groups) await db.query('INSERT INTO groups (organization_id, id, display) VALUES ($1, $2, $3)', ['acme', group.id, group.display]);
  });
}

describe('check 12: metadata', () => {
  it('straight at the RP: 200 with context, command_endpoint, client_id and commands_supported; a second one replaces the first', async () => {
    const tenant = `t-c12-${randomBytes(4).toString('hex')}`;
    const first = await signAndPost(keys, commandClaims(stack, tenant, 'metadata', { metadata: { groups: [{ id: 'g1', display: 'One' }, { id: 'g2', display: 'Two' }] } }));
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.json).toMatchObject({
      context: { iss: stack.opUrl, tenant },
      command_endpoint: commandEndpointOf(stack, tenant),
      client_id: CLIENT_ID,
    });
    expect(first.json?.['commands_supported']).toContain('metadata');
    expect((await storedOpMetadata(tenant))?.['groups']).toEqual([{ id: 'g1', display: 'One' }, { id: 'g2', display: 'Two' }]);
    const second = await signAndPost(keys, commandClaims(stack, tenant, 'metadata', { metadata: { groups: [{ id: 'g1', display: 'One' }] } }));
    expect(second.status).toBe(200);
    expect(await storedOpMetadata(tenant)).toEqual({ groups: [{ id: 'g1', display: 'One' }] });
  });

  it('through the OP: the RP answers 200 with the required members, and a dropped group disappears at the RP', async () => {
    await setAcmeDirectory(['acme.example'], [{ id: 'staff', display: 'Staff' }, { id: 'contractors', display: 'Contractors' }]);
    const first = await sendAndWait(stack, { command: 'metadata', tenant: 'acme' });
    expect(first).toMatchObject({ status: 'succeeded', last_status: 200 });
    expect(first.last_response).toMatchObject({ context: { iss: stack.opUrl, tenant: 'acme' }, command_endpoint: commandEndpointOf(stack, 'acme'), client_id: CLIENT_ID });
    expect(first.last_response?.['commands_supported']).toContain('metadata');
    const stored = await storedOpMetadata('acme');
    expect(stored).toMatchObject({ callback_endpoint: `${stack.opUrl}/commands/callback`, domains: ['acme.example'] });
    expect((stored?.['groups'] as { id: string }[]).map((g) => g.id).sort()).toEqual(['contractors', 'staff']);

    await setAcmeDirectory(['acme.example'], [{ id: 'staff', display: 'Staff' }]);
    const second = await sendAndWait(stack, { command: 'metadata', tenant: 'acme' });
    expect(second).toMatchObject({ status: 'succeeded', last_status: 200 });
    expect((await storedOpMetadata('acme'))?.['groups']).toEqual([{ id: 'staff', display: 'Staff' }]);
  });
});

describe('check 17: activate_async', () => {
  it('answers 202, then the RP posts the result to the callback_endpoint with the callback_token; the OP answers 204 and keeps it', async () => {
    // The RP learns the OP's callback_endpoint from metadata.
    expect((await sendAndWait(stack, { command: 'metadata', tenant: 'acme' })).status).toBe('succeeded');
    const sub = newSub('c17');
    const queued = await enqueue(stack, { command: 'activate_async', tenant: 'acme', sub, claims: { email: `${sub}@acme.example` } });
    const accepted = await waitForDelivery(stack, queued.id);
    expect(accepted).toMatchObject({ last_status: 202, attempts: 1 });
    expect(['accepted', 'completed']).toContain(accepted.status);
    // The RP's result arrives through the callback: the delivery is completed and keeps it.
    const called = (await waitForDelivery(stack, queued.id, (d) => d.status === 'completed')) as unknown as Record<string, unknown>;
    expect(called['callback_response']).toEqual({ sub, account_state: 'active' });
    expect(called['callback_received_at']).toEqual(expect.any(String));
    expect((await rpAccount(stack, sub))?.state).toBe('active');
  });

  it('answers 401 with a Bearer invalid_token challenge for a wrong callback token', async () => {
    const response = await fetch(`${stack.opUrl}/commands/callback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'nobody', account_state: 'active' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);
    expect(((await response.json()) as Record<string, unknown>)['error']).toBe('invalid_token');
    const none = await fetch(`${stack.opUrl}/commands/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});

describe('check 18: migrate', () => {
  async function setProvider(sub: string, provider: string) {
    await withDb(stack.rpDatabaseUrl, (db) => db.query('UPDATE accounts SET authentication_provider = $1 WHERE sub = $2', [provider, sub]));
  }

  it('is 403 access_denied when policy refuses, 409 authentication_not_transferable for an external account, and moves an allowed one to op', async () => {
    await setAcmeDirectory(['acme.example'], []);
    expect((await sendAndWait(stack, { command: 'metadata', tenant: 'acme' })).status).toBe('succeeded');

    const outsider = newSub('c18-out');
    expect((await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub: outsider, claims: { email: `${outsider}@elsewhere.example` } })).status).toBe('succeeded');
    await setProvider(outsider, 'rp');
    const refused = await sendAndWait(stack, { command: 'migrate', tenant: 'acme', sub: outsider, authentication_provider: 'op' });
    expect(refused).toMatchObject({ status: 'failed', last_status: 403, last_error: expect.stringMatching(/^access_denied/) });

    const external = newSub('c18-ext');
    expect((await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub: external, claims: { email: `${external}@acme.example` } })).status).toBe('succeeded');
    await setProvider(external, 'external');
    const notTransferable = await sendAndWait(stack, { command: 'migrate', tenant: 'acme', sub: external, authentication_provider: 'op' });
    expect(notTransferable).toMatchObject({ status: 'failed', last_status: 409, last_error: expect.stringMatching(/^authentication_not_transferable/) });

    const mover = newSub('c18-ok');
    expect((await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub: mover, claims: { email: `${mover}@acme.example` } })).status).toBe('succeeded');
    await setProvider(mover, 'rp');
    const before = await sendAndWait(stack, { command: 'audit', tenant: 'acme', sub: mover });
    expect(before.last_response).toMatchObject({ sub: mover, authentication_provider: 'rp' });
    const migrated = await sendAndWait(stack, { command: 'migrate', tenant: 'acme', sub: mover, authentication_provider: 'op' });
    expect(migrated).toMatchObject({ status: 'succeeded', last_status: 200 });
    expect(migrated.last_response).toMatchObject({ sub: mover, account_state: 'active' });
    const after = await sendAndWait(stack, { command: 'audit', tenant: 'acme', sub: mover });
    expect(after.last_response).toMatchObject({ sub: mover, account_state: 'active', authentication_provider: 'op' });
    // The refused accounts kept their provider.
    const outsiderAudit = await sendAndWait(stack, { command: 'audit', tenant: 'acme', sub: outsider });
    expect(outsiderAudit.last_response).toMatchObject({ authentication_provider: 'rp' });
  });
});

describe('check 19 (the part that needs metadata and migrate from the outbox)', () => {
  it('puts metadata only in metadata (no sub) and authentication_provider only in migrate (with sub)', async () => {
    const receiver = await startReceiver((req, res) => {
      const claims = jwtPayload(req.token);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify(
          claims['command'] === 'metadata'
            ? { context: { iss: claims['iss'], tenant: claims['tenant'] }, commands_supported: ['metadata', 'migrate'], command_endpoint: claims['aud'], client_id: claims['client_id'] }
            : { sub: claims['sub'], account_state: 'active', authentication_provider: 'op' },
        ),
      );
    });
    try {
      const tenant = `t-c19p-${randomBytes(4).toString('hex')}`;
      const endpoint = `${receiver.origin}/commands/${tenant}`;
      await routeTenantTo(stack, tenant, endpoint);
      expect((await sendAndWait(stack, { command: 'metadata', tenant })).status).toBe('succeeded');
      const sub = newSub('c19p');
      expect((await sendAndWait(stack, { command: 'migrate', tenant, sub, authentication_provider: 'op_migration' })).status).toBe('succeeded');
      const [metadata, migrate] = receiver.received.map((r) => ({ header: jwtHeader(r.token), payload: jwtPayload(r.token) }));
      for (const token of [metadata!, migrate!]) {
        expect(token.header['typ']).toBe('command+jwt');
        expect(token.payload).toMatchObject({ iss: stack.opUrl, aud: endpoint, client_id: CLIENT_ID, tenant });
        expect(token.payload).not.toHaveProperty('nonce');
        expect((token.payload['exp'] as number) - (token.payload['iat'] as number)).toBeLessThanOrEqual(120);
      }
      expect(metadata!.payload['command']).toBe('metadata');
      expect(metadata!.payload['metadata']).toEqual(expect.objectContaining({ callback_endpoint: `${stack.opUrl}/commands/callback` }));
      expect(metadata!.payload).not.toHaveProperty('sub');
      expect(metadata!.payload).not.toHaveProperty('authentication_provider');
      expect(migrate!.payload).toMatchObject({ command: 'migrate', sub, authentication_provider: 'op_migration' });
      expect(migrate!.payload).not.toHaveProperty('metadata');
    } finally {
      await receiver.close();
    }
  });
});

describe('the OP console: audit_tenant results with progress while the stream is read', () => {
  /** Signs in to the OP's admin console; returns its cookie (`name=value`). */
  async function consoleCookie(): Promise<string> {
    const response = await fetch(`${stack.opUrl}/admin/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: stack.adminToken }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('op_admin_console='));
    if (!cookie) throw new Error('no console cookie');
    return cookie.split(';')[0]!;
  }

  it('shows the accounts received so far while the delivery is still reading, then the complete count', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const event = (id: number, sub: string) => `id: ${id}\nevent: account-state\ndata: {"sub":"${sub}","account_state":"active"}\n\n`;
    const receiver = await startReceiver(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(event(1, 'streamed-1'));
      await new Promise((resolve) => setTimeout(resolve, 400));
      res.write(event(2, 'streamed-2'));
      // Hold the stream open until the test has seen the progress.
      await released;
      res.end(`${event(3, 'streamed-3')}id: 4\nevent: command-complete\ndata: {"total_accounts":3}\n\n`);
    });
    try {
      const tenant = `t-progress-${randomBytes(4).toString('hex')}`;
      await routeTenantTo(stack, tenant, `${receiver.origin}/commands/${tenant}`);
      const cookie = await consoleCookie();
      const queued = await enqueue(stack, { command: 'audit_tenant', tenant });
      const view = async () => {
        const response = await fetch(`${stack.opUrl}/admin/console/deliveries/${queued.id}.json`, { headers: { cookie, accept: 'application/json' } });
        expect(response.status).toBe(200);
        return (await response.json()) as { delivery: { status: string; last_response: Record<string, unknown> | null }; accounts: { sub: string }[] | null };
      };

      let reading: Awaited<ReturnType<typeof view>> | undefined;
      for (let i = 0; i < 100 && reading === undefined; i++) {
        const seen = await view();
        if (seen.delivery.status === 'delivering' && (seen.delivery.last_response?.['account_events'] as number) >= 2) reading = seen;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(reading).toBeDefined();
      expect(reading!.delivery.last_response).toMatchObject({ stream: 'reading', account_events: 2 });
      expect(reading!.accounts?.map((a) => a.sub)).toEqual(['streamed-1', 'streamed-2']);
      const page = await fetch(`${stack.opUrl}/admin/console/deliveries/${queued.id}`, { headers: { cookie } });
      expect(await page.text()).toContain('2 accounts');

      release();
      const done = await waitForDelivery(stack, queued.id);
      expect(done).toMatchObject({ status: 'succeeded', last_response: { stream: 'complete', account_events: 3, total_accounts: 3 } });
      expect((await view()).accounts?.map((a) => a.sub)).toEqual(['streamed-1', 'streamed-2', 'streamed-3']);
      const finalPage = await (await fetch(`${stack.opUrl}/admin/console/deliveries/${queued.id}`, { headers: { cookie } })).text();
      expect(finalPage).toContain('3 of 3 accounts (complete)');
    } finally {
      release();
      await receiver.close();
    }
  });
});
