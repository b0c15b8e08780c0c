import request from 'supertest';
import { verifyJwtWithSecret, type JsonWebKeySet } from '@oidc-ref/crypto';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../src/services/commands/delivery-worker.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../src/services/logout/logout-token.js';
import { ISSUER, bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient, createUser } from '../helpers/factories.js';
import { freePort } from '../commands/receiver.js';
import { startLogoutReceiver, type LogoutReceiver } from './logout-receiver.js';
import { signInAt } from './sign-in.js';

let op: TestOp;
let jwks: JsonWebKeySet;
let user: UserRecord;
const receivers: LogoutReceiver[] = [];
const workers: DeliveryWorker[] = [];

beforeAll(async () => {
  op = await bootstrap();
  jwks = (await request(op.app).get('/jwks').expect(200)).body as JsonWebKeySet;
  user = await createUser(op.repos, { organization: { id: 'org-bcl', name: 'BCL' } });
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  // Each test delivers only its own rows.
  await op.db.commandDelivery.deleteMany({});
});
afterAll(() => op.dispose());

async function receiver(port?: number): Promise<LogoutReceiver> {
  const r = await startLogoutReceiver({ issuer: ISSUER, jwks, ...(port !== undefined && { port }) });
  receivers.push(r);
  return r;
}

function worker(overrides: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  const w = createDeliveryWorker({
    deliveries: op.repos.commandDeliveries,
    clients: op.repos.clients,
    keys: op.keys,
    issuer: ISSUER,
    logger: createLogger('silent'),
    pollMs: 50,
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
    timeoutMs: 2000,
    ...overrides,
  });
  workers.push(w);
  return w;
}

const bclClient = (uri: string, metadata: Record<string, unknown> = {}) =>
  createClient(op.repos, { metadata: { backchannel_logout_uri: uri, backchannel_logout_session_required: true, ...metadata } as never });

/** Signs the user in at `client` and out again through end_session: one logout row. */
async function signInAndOut(client: ClientRecord): Promise<{ sid: string; deliveryId: string }> {
  const { agent, idToken, sid } = await signInAt(op.app, client, user.email);
  await agent.get('/session/end').query({ id_token_hint: idToken }).expect(200);
  const rows = await op.db.commandDelivery.findMany({ where: { sid } });
  expect(rows).toHaveLength(1);
  return { sid, deliveryId: rows[0]!.id };
}

async function settled(id: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await op.repos.commandDeliveries.findById(id);
    if (row && row.status !== 'pending' && row.status !== 'delivering') return row;
    if (Date.now() > deadline) throw new Error(`delivery ${id} did not settle: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('POSTs a logout+jwt Logout Token with the exact claims, form-encoded, and records success', async () => {
  const rp = await receiver();
  const client = await bclClient(rp.url);
  const { sid, deliveryId } = await signInAndOut(client);
  expect(await worker().runOnce()).toBe(1);
  expect(rp.received).toHaveLength(1);
  const [got] = rp.received as [(typeof rp.received)[number]];
  expect(got.contentType).toBe('application/x-www-form-urlencoded');
  expect(got.header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'logout+jwt' });
  const { payload } = got;
  expect(Object.keys(payload).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
  expect(payload).toEqual({
    iss: ISSUER,
    aud: client.id,
    iat: expect.any(Number),
    exp: (payload.iat as number) + 120,
    jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sub: user.id,
    sid,
  });
  expect(payload).not.toHaveProperty('nonce');
  const row = await op.repos.commandDeliveries.findById(deliveryId);
  expect(row).toMatchObject({ kind: 'backchannel_logout', status: 'succeeded', attempts: 1, lastStatus: 200, tenant: 'org-bcl' });
  const shown = await op.repos.commandDeliveries.findById(deliveryId);
  expect(shown?.completedAt).not.toBeNull();
});

it('signs as the client registered for ID tokens: ES256, or HS256 with its secret', async () => {
  const rp = await receiver();
  const es = await bclClient(rp.url, { id_token_signed_response_alg: 'ES256' });
  await signInAndOut(es);
  const hs = await createClient(op.repos, {
    secret: 'a-client-secret-of-at-least-32-octets!!',
    metadata: { backchannel_logout_uri: rp.url, id_token_signed_response_alg: 'HS256' } as never,
  });
  await signInAndOut(hs);
  await worker().runOnce();
  const byAud = new Map(rp.received.map((r) => [r.payload.aud, r]));
  expect(byAud.get(es.id)?.header).toMatchObject({ alg: 'ES256', typ: 'logout+jwt' });
  const hsToken = byAud.get(hs.id);
  expect(hsToken?.header).toEqual({ alg: 'HS256', typ: 'logout+jwt' });
  const verified = await verifyJwtWithSecret(hsToken!.token, 'a-client-secret-of-at-least-32-octets!!', { issuer: ISSUER, audience: hs.id, typ: 'logout+jwt' });
  expect(verified.payload.events).toEqual({ [BACKCHANNEL_LOGOUT_EVENT]: {} });
});

it('retries after a 503 with a fresh token (new jti), then succeeds', async () => {
  const rp = await receiver();
  rp.answer = (index) => (index === 0 ? 503 : 204);
  const { deliveryId } = await signInAndOut(await bclClient(rp.url));
  worker().start();
  const row = await settled(deliveryId);
  expect(row).toMatchObject({ status: 'succeeded', attempts: 2, lastStatus: 204 });
  expect(rp.received).toHaveLength(2);
  const [first, second] = rp.received.map((r) => r.payload) as [Record<string, unknown>, Record<string, unknown>];
  expect(first.jti).not.toBe(second.jti);
  expect({ ...first, jti: 0, iat: 0, exp: 0 }).toEqual({ ...second, jti: 0, iat: 0, exp: 0 });
});

it('delivers once the RP is back after being down (the token reaches it, with the session’s sid)', async () => {
  const port = await freePort();
  const client = await bclClient(`http://127.0.0.1:${port}/backchannel`);
  const { sid, deliveryId } = await signInAndOut(client);
  const w = worker({ retry: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 100 } });
  await w.runOnce();
  const down = await op.repos.commandDeliveries.findById(deliveryId);
  expect(down).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
  expect(down?.lastError).toMatch(/could not reach the backchannel_logout_uri/);
  const rp = await receiver(port);
  w.start();
  const row = await settled(deliveryId);
  expect(row).toMatchObject({ status: 'succeeded', lastStatus: 200 });
  expect(row.attempts).toBeGreaterThanOrEqual(2);
  expect(rp.received.map((r) => r.payload.sid)).toEqual([sid]);
});

it('does not retry a 400 (the RP refused the token) and fails a client that lost its backchannel_logout_uri', async () => {
  const rp = await receiver();
  rp.answer = () => 400;
  const { deliveryId } = await signInAndOut(await bclClient(rp.url));
  const gone = await bclClient(rp.url);
  const { deliveryId: goneId } = await signInAndOut(gone);
  await op.repos.clients.save({ id: gone.id, secret: gone.secret, metadata: { ...gone.metadata, backchannel_logout_uri: undefined } as never });
  await worker().runOnce();
  expect(await op.repos.commandDeliveries.findById(deliveryId)).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, lastError: 'http_400' });
  expect(await op.repos.commandDeliveries.findById(goneId)).toMatchObject({
    status: 'failed',
    attempts: 1,
    lastStatus: null,
    lastError: 'the client no longer has a backchannel_logout_uri',
  });
  expect(rp.received).toHaveLength(1);
});

it('with a worker in the process, end_session redirects only after the back-channel delivery was attempted', async () => {
  const rp = await receiver();
  const client = await bclClient(rp.url, { post_logout_redirect_uris: ['https://rp.test/bye'] });
  const w = worker({ pollMs: 60_000 });
  const app = createApp({
    config: op.config,
    acrLevels: await op.repos.acrLevels.list(),
    repos: op.repos,
    keys: op.keys,
    logger: createLogger('silent'),
    checkDatabase: async () => true,
    onCommandEnqueued: () => w.wake(),
  });
  w.start();
  await w.runOnce();
  const { agent, idToken, sid } = await signInAt(app, client, user.email);
  const res = await agent.get('/session/end').query({ id_token_hint: idToken, post_logout_redirect_uri: 'https://rp.test/bye', state: 'after' });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('https://rp.test/bye?state=after');
  // Already delivered when the browser is sent back to the RP.
  expect(rp.received.map((r) => r.payload.sid)).toEqual([sid]);
});
