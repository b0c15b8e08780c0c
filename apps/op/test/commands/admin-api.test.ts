import request from 'supertest';
import type { JsonWebKeySet } from '@oidc-ref/crypto';
import { createLogger } from '../../src/logger.js';
import { createDeliveryWorker } from '../../src/services/commands/delivery-worker.js';
import { ISSUER, bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient, createUser } from '../helpers/factories.js';
import { startReceiver } from './receiver.js';

const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
let op: TestOp;

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => op.dispose());

const admin = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });
// Endpoints nobody answers: these tests never run a worker against them.
const rpClient = (endpoint = 'https://rp.test/commands') => createClient(op.repos, { metadata: { command_endpoint: endpoint } as never });

describe('admin API authentication', () => {
  it('is 404 when no admin token is configured', async () => {
    const bare = await bootstrap();
    try {
      await request(bare.app).get('/admin/commands').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(404);
      await request(bare.app).post('/admin/commands').send({}).expect(404);
    } finally {
      await bare.dispose();
    }
  });

  it('refuses a request without a bearer token: 401 with a challenge', async () => {
    const res = await request(op.app).get('/admin/commands').expect(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="admin"');
  });

  it('refuses a wrong token: 401 invalid_token', async () => {
    const res = await request(op.app).get('/admin/commands').set('Authorization', `Bearer ${ADMIN_TOKEN}x`).set('Accept', 'text/html').expect(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('rejects an admin token shorter than 32 characters at startup', async () => {
    await expect(bootstrap({ OP_ADMIN_TOKEN: 'short' })).rejects.toMatchObject({ problems: [expect.stringContaining('OP_ADMIN_TOKEN')] });
  });
});

describe('POST /admin/commands', () => {
  it('enqueues a command: 202 with the delivery, then visible by id and in the list', async () => {
    const client = await rpClient();
    const res = await request(op.app)
      .post('/admin/commands')
      .set(admin())
      .send({ client_id: client.id, command: 'activate', tenant: 'acme', sub: 'alice', claims: { email: 'alice@example.com', groups: ['staff'] } })
      .expect(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ client_id: client.id, command: 'activate', tenant: 'acme', sub: 'alice', status: 'pending', attempts: 0 });
    expect(res.headers.location).toBe(`/admin/commands/${res.body.id}`);
    const shown = await request(op.app).get(`/admin/commands/${res.body.id}`).set(admin()).expect(200);
    expect(shown.body).toMatchObject({ id: res.body.id, status: 'pending', claims: { email: 'alice@example.com', groups: ['staff'] } });
    const list = await request(op.app).get('/admin/commands').query({ client_id: client.id }).set(admin()).expect(200);
    expect(list.body.deliveries.map((d: { id: string }) => d.id)).toEqual([res.body.id]);
  });

  it('answers 404 for an unknown delivery', async () => {
    const res = await request(op.app).get('/admin/commands/no-such-id').set(admin()).expect(404);
    expect(res.body.error).toBe('not_found');
  });

  it.each([
    ['a missing tenant', { command: 'suspend', sub: 'u' }],
    ['an unknown command', { command: 'explode', tenant: 't', sub: 'u' }],
    ['an account command without sub', { command: 'suspend', tenant: 't' }],
    ['a tenant command with sub', { command: 'invalidate_tenant', tenant: 't', sub: 'u' }],
    ['claims on suspend', { command: 'suspend', tenant: 't', sub: 'u', claims: { name: 'x' } }],
    ['claims that are not an object', { command: 'activate', tenant: 't', sub: 'u', claims: ['x'] }],
    ['a reserved claim', { command: 'activate', tenant: 't', sub: 'u', claims: { aud: 'x' } }],
    ['an unknown field', { command: 'suspend', tenant: 't', sub: 'u', nonce: 'n' }],
    ['a sub that is not a string', { command: 'suspend', tenant: 't', sub: 42 }],
  ])('answers 400 invalid_request for %s', async (_name, body) => {
    const client = await rpClient();
    const res = await request(op.app)
      .post('/admin/commands')
      .set(admin())
      .send({ client_id: client.id, ...body })
      .expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('answers 400 for an unknown or missing client, a client without command_endpoint, malformed JSON and form bodies', async () => {
    const plain = await createClient(op.repos);
    for (const clientId of ['nobody', plain.id, undefined]) {
      const res = await request(op.app).post('/admin/commands').set(admin()).send({ client_id: clientId, command: 'suspend', tenant: 't', sub: 'u' });
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
    }
    const malformed = await request(op.app).post('/admin/commands').set(admin()).set('Content-Type', 'application/json').send('{"client_id":');
    expect([malformed.status, malformed.body.error]).toEqual([400, 'invalid_request']);
    const form = await request(op.app).post('/admin/commands').set(admin()).type('form').send({ client_id: 'x' });
    expect([form.status, form.body.error]).toEqual([400, 'invalid_request']);
  });

  it('answers 400 for a bad list query', async () => {
    const res = await request(op.app).get('/admin/commands').query({ limit: 'many' }).set(admin()).expect(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('POST /admin/users/:id/:command (lifecycle fan-out)', () => {
  it('enqueues the command at every RP with a command_endpoint where the user signed in, tenant = organisation', async () => {
    const user = await createUser(op.repos, { organization: { id: 'org-acme', name: 'Acme' } });
    const signedIn = await rpClient();
    const noEndpoint = await createClient(op.repos);
    const neverUsed = await rpClient();
    await op.repos.consents.grant(user.id, signedIn.id, ['openid']);
    await op.repos.consents.grant(user.id, noEndpoint.id, ['openid']);
    const res = await request(op.app).post(`/admin/users/${user.id}/suspend`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ client_id: signedIn.id, command: 'suspend', tenant: 'org-acme', sub: user.id, status: 'pending' }),
    ]);
    expect(await op.repos.commandDeliveries.list({ clientId: neverUsed.id, limit: 5 })).toEqual([]);
  });

  it('uses the tenant "personal" for a user without an organisation, and delivers through the worker', async () => {
    const jwks = (await request(op.app).get('/jwks').expect(200)).body as JsonWebKeySet;
    const rp = await startReceiver({ issuer: ISSUER, jwks });
    const worker = createDeliveryWorker({
      deliveries: op.repos.commandDeliveries,
      clients: op.repos.clients,
      keys: op.keys,
      issuer: ISSUER,
      logger: createLogger('silent'),
      pollMs: 60_000,
    });
    try {
      const user = await createUser(op.repos);
      const client = await rpClient(rp.url);
      await op.repos.consents.grant(user.id, client.id, ['openid']);
      const res = await request(op.app).post(`/admin/users/${user.id}/archive`).set(admin()).expect(202);
      const [delivery] = res.body.deliveries as [{ id: string; tenant: string }];
      expect(delivery.tenant).toBe('personal');
      // Other tests' rows point at https://rp.test: deliver only this one.
      await op.db.commandDelivery.deleteMany({ where: { id: { not: delivery.id } } });
      await worker.runOnce();
      const shown = await request(op.app).get(`/admin/commands/${delivery.id}`).set(admin()).expect(200);
      expect(shown.body).toMatchObject({ status: 'succeeded', attempts: 1, last_status: 204 });
      expect(rp.received.map((c) => c.payload)).toEqual([expect.objectContaining({ command: 'archive', sub: user.id, tenant: 'personal' })]);
    } finally {
      await worker.stop();
      await rp.close();
    }
  });

  it('answers 404 for an unknown user and 400 for a command that is not a lifecycle one', async () => {
    expect((await request(op.app).post('/admin/users/nobody/suspend').set(admin()).expect(404)).body.error).toBe('not_found');
    const user = await createUser(op.repos);
    expect((await request(op.app).post(`/admin/users/${user.id}/audit_tenant`).set(admin()).expect(400)).body.error).toBe('invalid_request');
  });

  it('enqueues nothing for a user who never signed in anywhere', async () => {
    const user = await createUser(op.repos);
    expect((await request(op.app).post(`/admin/users/${user.id}/delete`).set(admin()).expect(202)).body).toEqual({ deliveries: [] });
  });
});
