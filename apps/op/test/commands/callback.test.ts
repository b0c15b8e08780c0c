import request from 'supertest';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { createClient } from '../helpers/factories.js';
import { ADMIN_TOKEN, admin, commandHarness } from './harness.js';

let op: TestOp;
const h = commandHarness(() => op);

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterEach(() => h.teardown());
afterAll(() => op.dispose());

async function send(body: Record<string, unknown>): Promise<string> {
  const res = await request(op.app).post('/admin/commands').set(admin()).send(body).expect(202);
  return res.body.id as string;
}

const callback = (token: string | undefined, body: unknown) => {
  const req = request(op.app).post('/commands/callback');
  if (token !== undefined) req.set('Authorization', `Bearer ${token}`);
  return typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body as object);
};

async function asyncCommand() {
  const rp = await h.receiver();
  rp.answer = () => ({ status: 202 });
  const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
  const id = await send({ client_id: client.id, command: 'activate_async', tenant: 'personal', sub: 'user-1', claims: { email: 'u1@example.com' } });
  await h.worker().runOnce();
  const row = await h.settled(id);
  const token = rp.received[0]!.payload.callback_token as string;
  return { rp, client, id, row, token };
}

describe('callback tokens in command tokens', () => {
  it('puts a fresh callback token of at least 128 bits into an *_async command, stored only as a hash', async () => {
    const { row, token } = await asyncCommand();
    expect(row.status).toBe('accepted');
    expect(typeof token).toBe('string');
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const stored = await op.db.commandCallbackToken.findMany({ where: { deliveryId: row.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ purpose: 'async_result', command: 'activate_async', tenant: 'personal' });
    expect(stored[0]!.tokenHash).not.toBe(token);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]!.expiresAt!.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('sends no callback token in a synchronous account command', async () => {
    const rp = await h.receiver();
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    await h.settled(await send({ client_id: client.id, command: 'suspend', tenant: 'personal', sub: 'u' }).then(async (id) => (await h.worker().runOnce(), id)));
    expect(rp.received[0]!.payload).not.toHaveProperty('callback_token');
  });
});

describe('POST /commands/callback: asynchronous results (§5.2)', () => {
  it('stores the result: 204, the delivery becomes completed; the token is then spent', async () => {
    const { id, token } = await asyncCommand();
    const res = await callback(token, { sub: 'user-1', account_state: 'active', aud_sub: 'rp-7' }).expect(204);
    expect(res.headers['cache-control']).toBe('no-store');
    const shown = await request(op.app).get(`/admin/commands/${id}`).set(admin()).expect(200);
    expect(shown.body).toMatchObject({ status: 'completed', callback_response: { sub: 'user-1', account_state: 'active', aud_sub: 'rp-7' } });
    expect(shown.body.callback_received_at).toEqual(expect.any(String));
    const again = await callback(token, { sub: 'user-1', account_state: 'active' }).expect(401);
    expect(again.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('answers 401 invalid_token with a WWW-Authenticate challenge for a wrong, missing or expired token', async () => {
    const { token } = await asyncCommand();
    const wrong = await callback(`${token}x`, { sub: 'user-1', account_state: 'active' }).expect(401);
    expect(wrong.body.error).toBe('invalid_token');
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(wrong.headers['cache-control']).toBe('no-store');
    const missing = await callback(undefined, { sub: 'user-1', account_state: 'active' }).expect(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    // A wrong token is refused before the body is read.
    await callback('nope', '{not json').expect(401);
    op.clock.advance(25 * 3600);
    try {
      const expired = await callback(token, { sub: 'user-1', account_state: 'active' }).expect(401);
      expect(expired.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    } finally {
      op.clock.advance(-25 * 3600);
    }
  });

  it.each([
    ['malformed JSON', '{"sub":'],
    ['a JSON array', '[]'],
    ['no account_state', { sub: 'user-1' }],
    ['the sub of another account', { sub: 'user-2', account_state: 'active' }],
    ['a command request', { command_requested: 'metadata' }],
  ])('answers 400 invalid_request for %s, and stores nothing', async (_name, body) => {
    const { id, token } = await asyncCommand();
    const res = await callback(token, body).expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await op.repos.commandDeliveries.findById(id)).toMatchObject({ status: 'accepted', callbackResponse: null });
  });
});

describe('metadata from the outbox (§6.1)', () => {
  async function orgWithGroups() {
    const orgId = `org-${Math.random().toString(36).slice(2, 8)}`;
    await op.repos.organizations.upsert({ id: orgId, slug: orgId, name: 'Org', domains: [`${orgId}.example`] });
    await op.repos.organizations.upsertGroup(orgId, { id: 'engineering', display: 'Engineering' });
    await op.repos.organizations.upsertGroup(orgId, { id: 'admins', display: 'Administrators', description: 'Can administer' });
    return orgId;
  }

  const goodAnswer = (rpUrl: string, clientId: string, tenant: string, extra: Record<string, unknown> = {}) => ({
    status: 200,
    body: { context: { iss: ISSUER, tenant }, command_endpoint: rpUrl, client_id: clientId, commands_supported: ['metadata', 'activate', 'invalidate'], roles: [{ id: 'viewer', display: 'Viewer' }], ...extra },
  });

  it('builds the metadata claim at mint time, checks and stores the response, shows it in the admin API', async () => {
    const tenant = await orgWithGroups();
    const rp = await h.receiver();
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    rp.answer = () => goodAnswer(rp.url, client.id, tenant, { aud_sub_required: true });
    const id = await send({ client_id: client.id, command: 'metadata', tenant });
    await h.worker().runOnce();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded', lastStatus: 200 });
    const payload = rp.received[0]!.payload;
    expect(payload).toMatchObject({ command: 'metadata', tenant, client_id: client.id, aud: rp.url });
    expect(payload).not.toHaveProperty('sub');
    expect(payload.metadata).toEqual({
      callback_endpoint: `${ISSUER}/commands/callback`,
      claims_supported: ['email', 'email_verified', 'name', 'groups'],
      domains: [`${tenant}.example`],
      groups: [
        { id: 'admins', display: 'Administrators', description: 'Can administer' },
        { id: 'engineering', display: 'Engineering' },
      ],
    });
    expect(typeof payload.callback_token).toBe('string');
    const shown = await request(op.app).get(`/admin/clients/${client.id}/tenants/${tenant}/metadata`).set(admin()).expect(200);
    expect(shown.body).toMatchObject({
      client_id: client.id,
      tenant,
      delivery_id: id,
      metadata: { commands_supported: ['metadata', 'activate', 'invalidate'], aud_sub_required: true, roles: [{ id: 'viewer', display: 'Viewer' }] },
    });
    await request(op.app).get(`/admin/clients/${client.id}/tenants/other/metadata`).set(admin()).expect(404);
  });

  it.each([
    ['a context for another tenant', { context: { iss: ISSUER, tenant: 'other' } }, /context.tenant/],
    ['another issuer', { context: { iss: 'https://evil', tenant: 'T' } }, /context.iss/],
    ['another command_endpoint', { command_endpoint: 'https://elsewhere/commands' }, /command_endpoint/],
    ['another client_id', { client_id: 'someone-else' }, /client_id/],
    ['no metadata in commands_supported', { commands_supported: ['activate'] }, /does not list metadata/],
  ])('fails a response with %s, with a clear last_error, and stores nothing', async (_name, override, message) => {
    const tenant = await orgWithGroups();
    const rp = await h.receiver();
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    const good = goodAnswer(rp.url, client.id, tenant);
    const patched = JSON.parse(JSON.stringify(override).replace('"T"', JSON.stringify(tenant))) as Record<string, unknown>;
    rp.answer = () => ({ status: 200, body: { ...good.body, ...patched } });
    const id = await send({ client_id: client.id, command: 'metadata', tenant });
    await h.worker().runOnce();
    const row = await h.settled(id);
    expect(row).toMatchObject({ status: 'failed', lastStatus: 200, attempts: 1 });
    expect(row.lastError).toMatch(message);
    expect(await op.repos.clientTenantMetadata.find(client.id, tenant)).toBeNull();
  });

  it('enqueues metadata again on {"command_requested":"metadata"}; a newer exchange replaces the older token', async () => {
    const tenant = await orgWithGroups();
    const rp = await h.receiver();
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    rp.answer = () => goodAnswer(rp.url, client.id, tenant);
    const worker = h.worker();
    const first = await send({ client_id: client.id, command: 'metadata', tenant });
    await worker.runOnce();
    await h.settled(first);
    const token = rp.received[0]!.payload.callback_token as string;

    await callback(token, { command_requested: 'audit_tenant' }).expect(400);
    await callback(token, { command_requested: 'metadata', extra: 1 }).expect(400);
    await callback(token, { command_requested: 'metadata' }).expect(204);
    // A second request while one is waiting does not stack another.
    await callback(token, { command_requested: 'metadata' }).expect(204);
    const queued = (await op.repos.commandDeliveries.list({ clientId: client.id, limit: 10 })).filter((d) => d.id !== first);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ command: 'metadata', tenant, status: 'pending' });

    // The group dropped since is gone from the new exchange (each exchange replaces the last).
    await op.db.group.deleteMany({ where: { organizationId: tenant, id: 'engineering' } });
    await worker.runOnce();
    expect(await h.settled(queued[0]!.id)).toMatchObject({ status: 'succeeded' });
    expect((rp.received[1]!.payload.metadata as { groups: unknown[] }).groups).toEqual([{ id: 'admins', display: 'Administrators', description: 'Can administer' }]);
    await callback(token, { command_requested: 'metadata' }).expect(401);
    await callback(rp.received[1]!.payload.callback_token as string, { command_requested: 'metadata' }).expect(204);
  });

  it('puts a refresh callback token into audit_tenant and enqueues it again on request', async () => {
    const rp = await h.receiver();
    rp.answer = () => ({ status: 200, sse: 'id: 1\nevent: command-complete\ndata: {"total_accounts":0}\n\n' });
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    const id = await send({ client_id: client.id, command: 'audit_tenant', tenant: 'acme' });
    await h.worker().runOnce();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded' });
    const token = rp.received[0]!.payload.callback_token as string;
    await callback(token, { command_requested: 'metadata' }).expect(400);
    await callback(token, { command_requested: 'audit_tenant' }).expect(204);
    const list = await op.repos.commandDeliveries.list({ clientId: client.id, limit: 10 });
    expect(list.map((d) => [d.command, d.status]).sort()).toEqual([
      ['audit_tenant', 'pending'],
      ['audit_tenant', 'succeeded'],
    ]);
  });

  it('sends unauthorize to an RP whose commands_supported lists unauthorize but not invalidate (§13)', async () => {
    const rp = await h.receiver();
    const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
    rp.answer = (cmd) =>
      cmd.payload.command === 'metadata'
        ? { status: 200, body: { context: { iss: ISSUER, tenant: 'personal' }, command_endpoint: rp.url, client_id: client.id, commands_supported: ['metadata', 'unauthorize'] } }
        : { status: 200, body: { sub: 'u', account_state: 'active' } };
    const worker = h.worker();
    await h.settled(await send({ client_id: client.id, command: 'metadata', tenant: 'personal' }).then(async (id) => (await worker.runOnce(), id)));
    const id = await send({ client_id: client.id, command: 'invalidate', tenant: 'personal', sub: 'u' });
    await worker.runOnce();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded', command: 'invalidate' });
    expect(rp.received[1]!.payload.command).toBe('unauthorize');
  });
});
