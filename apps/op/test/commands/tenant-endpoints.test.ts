import request from 'supertest';
import type { JsonWebKeySet } from '@oidc-ref/crypto';
import { createLogger } from '../../src/logger.js';
import { createDeliveryWorker } from '../../src/services/commands/delivery-worker.js';
import { ISSUER, bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient, createUser } from '../helpers/factories.js';
import { startReceiver, type TestReceiver } from './receiver.js';

const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
const admin = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });
let op: TestOp;

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => op.dispose());

describe('per-tenant command endpoints (a multi-tenant RP)', () => {
  it('are set, shown and removed through the admin API', async () => {
    const client = await createClient(op.repos, { metadata: { command_endpoint: 'https://rp.test/commands/personal' } as never });
    const path = `/admin/clients/${client.id}/command-endpoints`;
    const put = await request(op.app).put(`${path}/acme`).set(admin()).send({ command_endpoint: 'https://rp.test/commands/acme' }).expect(200);
    expect(put.headers['cache-control']).toBe('no-store');
    expect(put.body).toEqual({ client_id: client.id, command_endpoint: 'https://rp.test/commands/personal', tenants: { acme: 'https://rp.test/commands/acme' } });
    await request(op.app).put(`${path}/globex`).set(admin()).send({ command_endpoint: 'https://rp.test/commands/globex' }).expect(200);
    await request(op.app).delete(`${path}/acme`).set(admin()).expect(204);
    const shown = await request(op.app).get(path).set(admin()).expect(200);
    expect(shown.body.tenants).toEqual({ globex: 'https://rp.test/commands/globex' });
  });

  it.each([
    ['a URL with a fragment', { command_endpoint: 'https://rp.test/c#x' }],
    ['a non-https URL on another host', { command_endpoint: 'http://rp.test/c' }],
    ['not a URL', { command_endpoint: 'commands' }],
    ['an unknown field', { command_endpoint: 'https://rp.test/c', extra: 1 }],
    ['a missing URL', {}],
  ])('refuse %s: 400 invalid_request, nothing stored', async (_label, body) => {
    const client = await createClient(op.repos, { metadata: { command_endpoint: 'https://rp.test/commands' } as never });
    const res = await request(op.app).put(`/admin/clients/${client.id}/command-endpoints/acme`).set(admin()).send(body).expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect((await op.repos.clients.findById(client.id))?.tenantCommandEndpoints).toEqual({});
  });

  it('answer 404 for an unknown client, 401 without the admin token', async () => {
    expect((await request(op.app).get('/admin/clients/nope/command-endpoints').set(admin()).expect(404)).body.error).toBe('not_found');
    await request(op.app).put('/admin/clients/nope/command-endpoints/acme').set(admin()).send({ command_endpoint: 'https://rp.test/c' }).expect(404);
    await request(op.app).delete('/admin/clients/nope/command-endpoints/acme').set(admin()).expect(404);
    await request(op.app).get('/admin/clients/nope/command-endpoints').expect(401);
  });

  it('let a client without a registered command_endpoint take commands for the tenants it lists only', async () => {
    const client = await createClient(op.repos);
    await request(op.app).put(`/admin/clients/${client.id}/command-endpoints/acme`).set(admin()).send({ command_endpoint: 'https://rp.test/commands/acme' }).expect(200);
    await request(op.app).post('/admin/commands').set(admin()).send({ client_id: client.id, command: 'suspend', tenant: 'acme', sub: 'u' }).expect(202);
    const refused = await request(op.app).post('/admin/commands').set(admin()).send({ client_id: client.id, command: 'suspend', tenant: 'globex', sub: 'u' }).expect(400);
    expect(refused.body.error_description).toContain('no command_endpoint for tenant globex');
  });

  describe('delivery', () => {
    let acme: TestReceiver;
    let personal: TestReceiver;
    beforeAll(async () => {
      const jwks = (await request(op.app).get('/jwks').expect(200)).body as JsonWebKeySet;
      [acme, personal] = await Promise.all([startReceiver({ issuer: ISSUER, jwks }), startReceiver({ issuer: ISSUER, jwks })]);
    });
    afterAll(() => Promise.all([acme.close(), personal.close()]));

    it("sends each tenant's commands to its endpoint, with aud = that URL; fan-out picks the user's tenant", async () => {
      const client = await createClient(op.repos, { metadata: { command_endpoint: personal.url } as never });
      await op.repos.clients.setTenantCommandEndpoint(client.id, 'acme', acme.url);
      const worker = createDeliveryWorker({
        deliveries: op.repos.commandDeliveries,
        clients: op.repos.clients,
        keys: op.keys,
        issuer: ISSUER,
        logger: createLogger('silent'),
        pollMs: 60_000,
      });
      try {
        const employee = await createUser(op.repos, { organization: { id: 'acme', name: 'Acme' } });
        const individual = await createUser(op.repos);
        for (const user of [employee, individual]) await op.repos.consents.grant(user.id, client.id, ['openid']);
        const ids: string[] = [];
        for (const user of [employee, individual]) {
          const res = await request(op.app).post(`/admin/users/${user.id}/suspend`).set(admin()).expect(202);
          ids.push(...(res.body.deliveries as { id: string }[]).map((d) => d.id));
        }
        await op.db.commandDelivery.deleteMany({ where: { id: { notIn: ids } } });
        await worker.runOnce();
        expect(acme.refused).toEqual([]);
        expect(personal.refused).toEqual([]);
        expect(acme.received.map((c) => c.payload)).toEqual([expect.objectContaining({ aud: acme.url, tenant: 'acme', sub: employee.id })]);
        expect(personal.received.map((c) => c.payload)).toEqual([expect.objectContaining({ aud: personal.url, tenant: 'personal', sub: individual.id })]);
      } finally {
        await worker.stop();
      }
    });
  });
});
