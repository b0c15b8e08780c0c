import request from 'supertest';
import { clientRepository } from '../../src/repositories/client-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient } from '../helpers/factories.js';

// The in-process client cache (OP_CLIENT_CACHE_TTL_SECONDS): what it saves, and how stale it can be.

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

/** A second repository on the same database: another OP process, as far as caching goes. */
function otherProcess(ttlSeconds = 30) {
  const clock = { ms: Date.now() };
  return { clients: clientRepository(op.db, { cacheTtlSeconds: ttlSeconds, nowMs: () => clock.ms }), clock };
}

const machine = () =>
  createClient(op.repos, { metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], client_name: 'v1' } });

it('serves a client from memory until the TTL has passed: a change made elsewhere shows after at most the TTL', async () => {
  const client = await machine();
  const { clients, clock } = otherProcess(30);
  expect((await clients.findById(client.id))?.name).toBe('v1');
  await op.repos.clients.save({ id: client.id, secret: client.secret, metadata: { ...client.metadata, client_name: 'v2' } });
  clock.ms += 29_000;
  expect((await clients.findById(client.id))?.name).toBe('v1');
  clock.ms += 2_000;
  expect((await clients.findById(client.id))?.name).toBe('v2');
});

it('forgets a client at once when this process saves or deletes it', async () => {
  const client = await machine();
  expect((await op.repos.clients.findById(client.id))?.name).toBe('v1');
  await op.repos.clients.save({ id: client.id, secret: 'rotated-secret', metadata: { ...client.metadata, client_name: 'v2' } });
  expect(await op.repos.clients.findById(client.id)).toMatchObject({ name: 'v2', secret: 'rotated-secret' });
  // The old secret stops working at once in this process.
  const old = await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' });
  expect(old.status).toBe(401);
  await op.repos.clients.delete(client.id);
  expect(await op.repos.clients.findById(client.id)).toBeNull();
});

it('does not cache unknown clients: one registered elsewhere is found at once', async () => {
  const { clients } = otherProcess();
  expect(await clients.findById('client-registered-later')).toBeNull();
  await createClient(op.repos, { id: 'client-registered-later' });
  expect(await clients.findById('client-registered-later')).not.toBeNull();
});

it('does not keep a read that raced with a save', async () => {
  const client = await machine();
  const { clients } = otherProcess();
  const reading = clients.findById(client.id);
  await clients.save({ id: client.id, secret: client.secret, metadata: { ...client.metadata, client_name: 'v3' } });
  await reading;
  expect((await clients.findById(client.id))?.name).toBe('v3');
});

it('reads the database every time with a TTL of 0', async () => {
  const client = await machine();
  const { clients } = otherProcess(0);
  expect((await clients.findById(client.id))?.name).toBe('v1');
  await op.repos.clients.save({ id: client.id, secret: client.secret, metadata: { ...client.metadata, client_name: 'v4' } });
  expect((await clients.findById(client.id))?.name).toBe('v4');
});
