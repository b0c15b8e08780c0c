import request from 'supertest';
import type { JsonWebKeySet } from '@oidc-ref/crypto';
import { createDb } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { createRepositories, type Repositories } from '../../src/repositories/index.js';
import type { CommandDeliveryRecord } from '../../src/repositories/command-delivery-repository.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../src/services/commands/delivery-worker.js';
import { enqueueCommand, type EnqueueCommandInput } from '../../src/services/commands/enqueue-command.js';
import { ISSUER, bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient } from '../helpers/factories.js';
import { freePort, startReceiver, type TestReceiver } from './receiver.js';

let op: TestOp;
let jwks: JsonWebKeySet;
const receivers: TestReceiver[] = [];
const workers: DeliveryWorker[] = [];

beforeAll(async () => {
  op = await bootstrap();
  jwks = (await request(op.app).get('/jwks').expect(200)).body as JsonWebKeySet;
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(() => op.dispose());

async function receiver(port?: number): Promise<TestReceiver> {
  const r = await startReceiver({ issuer: ISSUER, jwks, ...(port !== undefined && { port }) });
  receivers.push(r);
  return r;
}

function worker(overrides: Partial<DeliveryWorkerOptions> = {}, repos: Repositories = op.repos): DeliveryWorker {
  const w = createDeliveryWorker({
    deliveries: repos.commandDeliveries,
    clients: repos.clients,
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

async function rpClient(commandEndpoint: string) {
  return createClient(op.repos, { metadata: { command_endpoint: commandEndpoint } as never });
}

function enqueue(input: Omit<EnqueueCommandInput, 'tenant'> & { tenant?: string }, onEnqueued?: () => void) {
  return enqueueCommand(
    { tenant: 'acme', ...input },
    { deliveries: op.repos.commandDeliveries, clients: op.repos.clients, now: new Date(), ...(onEnqueued && { onEnqueued }) },
  );
}

const FINAL = new Set(['succeeded', 'converged', 'accepted', 'failed']);

async function settled(id: string, timeoutMs = 10_000): Promise<CommandDeliveryRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await op.repos.commandDeliveries.findById(id);
    if (row && FINAL.has(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`delivery ${id} did not settle: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('enqueueCommand', () => {
  // These rows point at https://rp.test: no worker may ever try them.
  afterAll(() => op.db.commandDelivery.deleteMany({}));

  it('stores a valid command as pending, validated with the draft 02 claim rules', async () => {
    const rp = await rpClient('https://rp.test/commands');
    const row = await enqueue({ clientId: rp.id, command: 'activate', sub: 'u-1', claims: { email: 'a@example.com' } });
    expect(row).toMatchObject({ status: 'pending', attempts: 0, command: 'activate', sub: 'u-1', claims: { email: 'a@example.com' } });
  });

  it('maps draft 00 unauthorize to invalidate', async () => {
    const rp = await rpClient('https://rp.test/commands');
    expect((await enqueue({ clientId: rp.id, command: 'unauthorize', sub: 'u-1' })).command).toBe('invalidate');
  });

  it.each([
    ['an unknown command', { command: 'explode', sub: 'u' }],
    ['an account command without sub', { command: 'suspend' }],
    ['a tenant command with sub', { command: 'suspend_tenant', sub: 'u' }],
    ['profile claims outside activate/maintain', { command: 'suspend', sub: 'u', claims: { email: 'x@example.com' } }],
    ['reserved claims', { command: 'activate', sub: 'u', claims: { iss: 'https://evil' } }],
    ['migrate without authentication_provider', { command: 'migrate', sub: 'u' }],
    ['migrate with an unknown authentication_provider', { command: 'migrate', sub: 'u', authenticationProvider: 'rp' }],
    ['authentication_provider outside migrate', { command: 'suspend', sub: 'u', authenticationProvider: 'op' }],
    ['metadata with sub', { command: 'metadata', sub: 'u' }],
  ])('refuses %s with invalid_request, storing nothing', async (_name, input) => {
    const rp = await rpClient('https://rp.test/commands');
    await expect(enqueue({ clientId: rp.id, ...input })).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
    expect(await op.repos.commandDeliveries.list({ clientId: rp.id, limit: 10 })).toEqual([]);
  });

  it('refuses unknown clients and clients without a command_endpoint', async () => {
    await expect(enqueue({ clientId: 'nobody', command: 'suspend', sub: 'u' })).rejects.toMatchObject({ error: 'invalid_request' });
    const plain = await createClient(op.repos);
    await expect(enqueue({ clientId: plain.id, command: 'suspend', sub: 'u' })).rejects.toMatchObject({ error: 'invalid_request' });
  });
});

describe('delivery worker', () => {
  it('delivers once, with typ command+jwt and the draft 02 claims', async () => {
    const rp = await receiver();
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'suspend', sub: 'alice' });
    expect(await worker().runOnce()).toBe(1);
    const done = await settled(row.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, lastStatus: 204 });
    expect(done.completedAt).toBeInstanceOf(Date);
    expect(rp.refused).toEqual([]);
    expect(rp.received).toHaveLength(1);
    const [{ header, payload }] = rp.received as [(typeof rp.received)[0]];
    expect(header.typ).toBe('command+jwt');
    expect(payload).toMatchObject({ iss: ISSUER, aud: rp.url, client_id: client.id, tenant: 'acme', command: 'suspend', sub: 'alice' });
    expect(payload).not.toHaveProperty('nonce');
    expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(120);
    expect(await worker().runOnce()).toBe(0);
    expect(rp.received).toHaveLength(1);
  });

  it('is woken at once by an enqueue', async () => {
    const rp = await receiver();
    const client = await rpClient(rp.url);
    const w = worker({ pollMs: 60_000 });
    w.start();
    const row = await enqueue({ clientId: client.id, command: 'invalidate', sub: 'bob' }, () => w.wake());
    expect((await settled(row.id, 3000)).status).toBe('succeeded');
  });

  it('retries a 5xx with a fresh token (new jti) and then succeeds', async () => {
    const rp = await receiver();
    rp.answer = (_c, index) => (index < 2 ? { status: 503, body: { error: 'temporarily_unavailable' } } : { status: 200, body: { account_state: 'suspended' } });
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'suspend', sub: 'carol' });
    worker().start();
    const done = await settled(row.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, lastStatus: 200, lastResponse: { account_state: 'suspended' } });
    const jtis = rp.received.map((c) => c.payload.jti);
    expect(new Set(jtis).size).toBe(3);
  });

  it('counts a 409 already in the target state as converged', async () => {
    const rp = await receiver();
    rp.answer = () => ({ status: 409, body: { error: 'incompatible_state', account_state: 'suspended' } });
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'suspend', sub: 'dave' });
    await worker().runOnce();
    expect(await settled(row.id)).toMatchObject({ status: 'converged', attempts: 1, lastStatus: 409, lastResponse: { account_state: 'suspended' } });
  });

  it('fails a 400 at once, without retrying', async () => {
    const rp = await receiver();
    rp.answer = () => ({ status: 400, body: { error: 'invalid_request', error_description: 'nope' } });
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'suspend', sub: 'erin' });
    worker().start();
    const done = await settled(row.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, lastError: 'invalid_request: nope', lastResponse: { error: 'invalid_request', error_description: 'nope' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rp.received).toHaveLength(1);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    const rp = await receiver();
    rp.answer = () => ({ status: 500 });
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'archive', sub: 'frank' });
    worker({ retry: { baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } }).start();
    const done = await settled(row.id);
    expect(done).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 });
    expect(done.lastError).toMatch(/gave up after 3 attempts/);
    expect(rp.received).toHaveLength(3);
  });

  it('delivers after the RP comes back (receiver down, then up)', async () => {
    const port = await freePort();
    const client = await rpClient(`http://127.0.0.1:${port}/commands`);
    const row = await enqueue({ clientId: client.id, command: 'suspend', sub: 'grace' });
    const w = worker({ retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 50 } });
    await w.runOnce();
    const waiting = await op.repos.commandDeliveries.findById(row.id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.lastError).toMatch(/delivery failed/);
    const rp = await receiver(port);
    w.start();
    expect(await settled(row.id)).toMatchObject({ status: 'succeeded' });
    expect(rp.received).toHaveLength(1);
  });

  it('takes over a row whose lease expired (a worker that crashed mid-delivery)', async () => {
    const rp = await receiver();
    const client = await rpClient(rp.url);
    const row = await enqueue({ clientId: client.id, command: 'delete', sub: 'heidi' });
    const [claimed] = await op.repos.commandDeliveries.claimDue({ now: new Date(), leaseUntil: new Date(Date.now() - 1), limit: 100 });
    expect(claimed?.id).toBe(row.id);
    await worker().runOnce();
    expect(await settled(row.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    // The crashed worker's late report is fenced off.
    expect(await op.repos.commandDeliveries.recordAttempt(row.id, 1, { status: 'failed', lastError: 'late', now: new Date() })).toBe(false);
    expect((await op.repos.commandDeliveries.findById(row.id))?.status).toBe('succeeded');
  });

  it('delivers each command exactly once with two workers on one database', async () => {
    const rp = await receiver();
    const client = await rpClient(rp.url);
    const otherDb = createDb(op.config.databaseUrl);
    try {
      const otherRepos = createRepositories(otherDb);
      const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => enqueue({ clientId: client.id, command: 'suspend', sub: `user-${i}` })));
      const a = worker({ batchSize: 3 });
      const b = worker({ batchSize: 3 }, otherRepos);
      a.start();
      b.start();
      await Promise.all(rows.map((row) => settled(row.id)));
      const subs = rp.received.map((c) => c.payload.sub);
      expect(subs).toHaveLength(40);
      expect(new Set(subs).size).toBe(40);
      for (const row of rows) expect((await op.repos.commandDeliveries.findById(row.id))?.attempts).toBe(1);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await otherDb.$disconnect();
    }
  });

  describe('streaming tenant commands', () => {
    const sse = (events: [string, string, Record<string, unknown>][]) =>
      events.map(([id, event, data]) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

    it('reads the SSE answer strictly and records the counts', async () => {
      const rp = await receiver();
      rp.answer = () => ({
        status: 200,
        sse: sse([
          ['1', 'account-state', { sub: 'a', account_state: 'suspended' }],
          ['2', 'account-state', { sub: 'b', account_state: 'suspended' }],
          ['3', 'command-complete', { total_accounts: 2 }],
        ]),
      });
      const client = await rpClient(rp.url);
      const row = await enqueue({ clientId: client.id, command: 'suspend_tenant' });
      await worker().runOnce();
      expect(await settled(row.id)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        lastResponse: { stream: 'complete', account_events: 2, total_accounts: 2, last_event_id: '3' },
      });
      expect(rp.received[0]?.payload).not.toHaveProperty('sub');
    });

    it('resumes an incomplete stream with Last-Event-Id and a fresh token', async () => {
      const rp = await receiver();
      rp.answer = (_c, index) =>
        index === 0
          ? { status: 200, sse: sse([['1', 'account-state', { sub: 'a', account_state: 'archived' }]]) }
          : {
              status: 200,
              sse: sse([
                ['2', 'account-state', { sub: 'b', account_state: 'archived' }],
                ['3', 'command-complete', { total_accounts: 2 }],
              ]),
            };
      const client = await rpClient(rp.url);
      const row = await enqueue({ clientId: client.id, command: 'archive_tenant' });
      worker().start();
      expect(await settled(row.id)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        lastResponse: { stream: 'complete', account_events: 2, total_accounts: 2 },
      });
      expect(rp.received.map((c) => c.lastEventId)).toEqual([undefined, '1']);
      expect(rp.received[0]?.payload.jti).not.toBe(rp.received[1]?.payload.jti);
    });

    it('treats a JSON error answer to a streaming command like any other', async () => {
      const rp = await receiver();
      rp.answer = () => ({ status: 403, body: { error: 'access_denied' } });
      const client = await rpClient(rp.url);
      const row = await enqueue({ clientId: client.id, command: 'invalidate_tenant' });
      await worker().runOnce();
      expect(await settled(row.id)).toMatchObject({ status: 'failed', lastStatus: 403, lastError: 'access_denied' });
    });
  });
});
