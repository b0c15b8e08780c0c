import request from 'supertest';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient } from '../helpers/factories.js';
import { ADMIN_TOKEN, admin, commandHarness } from './harness.js';

let op: TestOp;
const h = commandHarness(() => op);

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterEach(() => h.teardown());
afterAll(() => op.dispose());

async function migrateTo(answer: { status: number; body?: Record<string, unknown> }, command = 'migrate', provider = 'op') {
  const rp = await h.receiver();
  rp.answer = () => answer;
  const client = await createClient(op.repos, { metadata: { command_endpoint: rp.url } as never });
  const res = await request(op.app)
    .post('/admin/commands')
    .set(admin())
    .send({ client_id: client.id, command, tenant: 'acme', sub: 'dora', authentication_provider: provider })
    .expect(202);
  expect(res.body.authentication_provider).toBe(provider);
  await h.worker().runOnce();
  await h.settled(res.body.id as string);
  return { rp, shown: (await request(op.app).get(`/admin/commands/${res.body.id}`).set(admin()).expect(200)).body };
}

describe('migrate from the outbox (§5.4)', () => {
  it('sends authentication_provider in the token; the RP taking over is succeeded', async () => {
    const { rp, shown } = await migrateTo({ status: 200, body: { sub: 'dora', account_state: 'active', authentication_provider: 'op' } });
    expect(rp.received[0]!.payload).toMatchObject({ command: 'migrate', sub: 'dora', tenant: 'acme', authentication_provider: 'op' });
    expect(shown).toMatchObject({ status: 'succeeded', last_response: { authentication_provider: 'op' } });
  });

  it('sends migrate_async with op_migration and a callback token; 202 is accepted', async () => {
    const { rp, shown } = await migrateTo({ status: 202 }, 'migrate_async', 'op_migration');
    expect(rp.received[0]!.payload).toMatchObject({ command: 'migrate_async', authentication_provider: 'op_migration', callback_token: expect.any(String) });
    expect(shown.status).toBe('accepted');
  });

  it('ends a 403 access_denied as failed, keeping the status and the answer (not retried)', async () => {
    const { rp, shown } = await migrateTo({ status: 403, body: { error: 'access_denied', error_description: 'policy' } });
    expect(shown).toMatchObject({ status: 'failed', attempts: 1, last_status: 403, last_response: { error: 'access_denied', error_description: 'policy' } });
    expect(shown.last_error).toMatch(/^access_denied/);
    expect(rp.received).toHaveLength(1);
  });

  it('ends a 409 authentication_not_transferable as failed, not converged', async () => {
    const { shown } = await migrateTo({ status: 409, body: { error: 'authentication_not_transferable', account_state: 'active' } });
    expect(shown).toMatchObject({ status: 'failed', last_status: 409, last_response: { error: 'authentication_not_transferable', account_state: 'active' } });
  });

  it('refuses migrate without authentication_provider, an unknown one, and one on another command', async () => {
    const client = await createClient(op.repos, { metadata: { command_endpoint: 'https://rp.test/commands' } as never });
    const post = (body: Record<string, unknown>) => request(op.app).post('/admin/commands').set(admin()).send({ client_id: client.id, tenant: 'acme', sub: 'dora', ...body });
    expect((await post({ command: 'migrate' }).expect(400)).body.error).toBe('invalid_request');
    expect((await post({ command: 'migrate', authentication_provider: 'external' }).expect(400)).body.error).toBe('invalid_request');
    expect((await post({ command: 'suspend', authentication_provider: 'op' }).expect(400)).body.error).toBe('invalid_request');
  });
});
