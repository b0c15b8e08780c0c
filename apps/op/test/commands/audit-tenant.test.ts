import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const event = (i: number) =>
  `id: e${i}\nevent: account-state\ndata: ${JSON.stringify({ sub: `s${i}`, account_state: i % 2 ? 'active' : 'suspended', last_access: 1_700_000_000 + i, authentication_provider: 'op', email: `s${i}@example.com` })}\n\n`;
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => event(from + k)).join('');
const complete = (n: number) => `id: done\nevent: command-complete\ndata: {"total_accounts":${n}}\n\n`;

async function auditFor(endpoint: string): Promise<string> {
  const client = await createClient(op.repos, { metadata: { command_endpoint: endpoint } as never });
  const res = await request(op.app).post('/admin/commands').set(admin()).send({ client_id: client.id, command: 'audit_tenant', tenant: 'acme' }).expect(202);
  return res.body.id as string;
}

async function allAccounts(id: string, limit: number) {
  const seen: { seq: number; sub: string }[] = [];
  let after = 0;
  for (;;) {
    const page = await request(op.app).get(`/admin/commands/${id}/accounts`).query({ after, limit }).set(admin()).expect(200);
    seen.push(...page.body.accounts);
    if (page.body.next_after === null) return seen;
    after = page.body.next_after as number;
  }
}

describe('audit_tenant results (§6.3)', () => {
  it('stores every account-state event in stream order and pages them through the admin API', async () => {
    const rp = await h.receiver();
    rp.answer = () => ({ status: 200, sse: events(1, 25) + complete(25) });
    const id = await auditFor(rp.url);
    await h.worker({}, { batchSize: 7 }).runOnce();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded', lastResponse: { stream: 'complete', account_events: 25, total_accounts: 25 } });
    const first = await request(op.app).get(`/admin/commands/${id}/accounts`).query({ limit: 2 }).set(admin()).expect(200);
    expect(first.body).toEqual({
      accounts: [
        { seq: 1, sub: 's1', account_state: 'active', last_access: 1_700_000_001, authentication_provider: 'op', claims: { email: 's1@example.com' } },
        { seq: 2, sub: 's2', account_state: 'suspended', last_access: 1_700_000_002, authentication_provider: 'op', claims: { email: 's2@example.com' } },
      ],
      next_after: 2,
    });
    const all = await allAccounts(id, 10);
    expect(all.map((a) => a.seq)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(all.map((a) => a.sub)).toEqual(Array.from({ length: 25 }, (_, k) => `s${k + 1}`));
  });

  it('answers 404 for an unknown delivery and 400 for a bad page query', async () => {
    await request(op.app).get('/admin/commands/nope/accounts').set(admin()).expect(404);
    const rp = await h.receiver();
    const id = await auditFor(rp.url);
    expect((await request(op.app).get(`/admin/commands/${id}/accounts`).query({ limit: 0 }).set(admin()).expect(400)).body.error).toBe('invalid_request');
    expect((await request(op.app).get(`/admin/commands/${id}/accounts`).query({ after: -1 }).set(admin()).expect(400)).body.error).toBe('invalid_request');
  });

  it('writes progress to last_response while the stream is still open', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(events(1, 4));
      void gate.then(() => res.end(events(5, 6) + complete(6)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const id = await auditFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}/commands`);
      const running = h.worker({}, { batchSize: 2 }).runOnce();
      const deadline = Date.now() + 10_000;
      let shown: Record<string, unknown> = {};
      while (Date.now() < deadline) {
        shown = (await request(op.app).get(`/admin/commands/${id}`).set(admin()).expect(200)).body;
        if ((shown.last_response as { account_events?: number } | null)?.account_events === 4) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(shown).toMatchObject({ status: 'delivering', last_response: { stream: 'reading', account_events: 4, last_event_id: 'e4' } });
      expect((await allAccounts(id, 100)).map((a) => a.sub)).toEqual(['s1', 's2', 's3', 's4']);
      release();
      await running;
      expect(await h.settled(id)).toMatchObject({ status: 'succeeded', lastResponse: { account_events: 6 } });
    } finally {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('writes the buffered accounts of a stream that pauses after flushMs, not only at the next event', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(events(1, 3));
      void gate.then(() => res.end(complete(3)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const id = await auditFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}/commands`);
      const running = h.worker({}, { batchSize: 1000, flushMs: 50 }).runOnce();
      const deadline = Date.now() + 10_000;
      let progress = null as { account_events?: number } | null;
      while (Date.now() < deadline && progress?.account_events !== 3) {
        progress = (await op.repos.commandDeliveries.findById(id))?.lastResponse as typeof progress;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(progress).toMatchObject({ stream: 'reading', account_events: 3, last_event_id: 'e3' });
      expect((await allAccounts(id, 100)).map((a) => a.sub)).toEqual(['s1', 's2', 's3']);
      release();
      await running;
      expect(await h.settled(id)).toMatchObject({ status: 'succeeded' });
    } finally {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('continues a resumed stream (Last-Event-Id) after the rows already stored', async () => {
    const rp = await h.receiver();
    rp.answer = (cmd) => (cmd.lastEventId === undefined ? { status: 200, sse: events(1, 3) } : { status: 200, sse: events(4, 5) + complete(5) });
    const id = await auditFor(rp.url);
    const worker = h.worker({}, { batchSize: 2 });
    worker.start();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded', attempts: 2, lastResponse: { account_events: 5, total_accounts: 5 } });
    expect(rp.received[1]!.lastEventId).toBe('e3');
    expect((await allAccounts(id, 100)).map((a) => [a.seq, a.sub])).toEqual([
      [1, 's1'],
      [2, 's2'],
      [3, 's3'],
      [4, 's4'],
      [5, 's5'],
    ]);
  });

  it('starts over when the RP cannot resume (404 last-event-id-unavailable), clearing the earlier rows', async () => {
    const rp = await h.receiver();
    rp.answer = (cmd, index) => {
      if (index === 0) return { status: 200, sse: events(1, 3) };
      if (cmd.lastEventId !== undefined) return { status: 404, body: { error: 'last-event-id-unavailable' } };
      // From scratch, the RP's listing has changed: other accounts.
      return { status: 200, sse: events(11, 12) + complete(2) };
    };
    const id = await auditFor(rp.url);
    h.worker().start();
    expect(await h.settled(id)).toMatchObject({ status: 'succeeded', attempts: 3, lastResponse: { account_events: 2, total_accounts: 2 } });
    expect(rp.received.map((c) => c.lastEventId)).toEqual([undefined, 'e3', undefined]);
    expect((await allAccounts(id, 100)).map((a) => [a.seq, a.sub])).toEqual([
      [1, 's11'],
      [2, 's12'],
    ]);
  });
});
