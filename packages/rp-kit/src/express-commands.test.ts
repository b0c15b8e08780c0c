import { createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { KeySet, generateSigningKey } from '@oidc-ref/crypto';
import { mintCommandToken } from '@oidc-ref/op-commands';
import type { CommandTokenInput } from '@oidc-ref/op-commands';

import { MemoryAccountStore, MemoryReplayStore } from './commands/memory.js';
import { commandEndpoint } from './express.js';

const ISS = 'https://op.test';
let keys: KeySet;
let server: Server;
let url: string;
let store: MemoryAccountStore;
let nextErrors: unknown[];

beforeAll(async () => {
  keys = await KeySet.load([await generateSigningKey('ES256')]);
  const handler = commandEndpoint({
    endpointUrl: () => url,
    providers: (iss) => (iss === ISS ? { clientId: 'rp-1', jwks: () => Promise.resolve(keys.publicJwks()) } : undefined),
    replay: new MemoryReplayStore(),
    store: () => store,
    commandsSupported: () => ['activate', 'suspend', 'audit', 'audit_tenant', 'delete_tenant', 'invalidate'],
    metadataResponse: () => ({ client_name: 'Test RP' }),
  });
  server = createServer((req, res) => {
    handler(req, res, (err) => {
      nextErrors.push(err);
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  store = new MemoryAccountStore();
  nextErrors = [];
});

const mint = (input: Partial<CommandTokenInput>) =>
  mintCommandToken(keys, { issuer: ISS, commandEndpoint: url, clientId: 'rp-1', tenant: 'acme', command: 'activate', sub: 'u1', now: new Date(), ...input });
const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
const send = async (input: Partial<CommandTokenInput>, headers: Record<string, string> = {}) => post({ command_token: await mint(input) }, headers);

it('answers 400 invalid_request, no-store, without a command_token', async () => {
  const res = await post({});
  expect(res.status).toBe(400);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toMatchObject({ error: 'invalid_request' });
});

it('answers 401 unrecognized_provider for an unknown issuer', async () => {
  const res = await send({ issuer: 'https://other.test' });
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: 'unrecognized_provider' });
});

it('applies account commands with the §2 bodies', async () => {
  let res = await send({ command: 'activate', claims: { email: 'a@x' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toEqual({ sub: 'u1', account_state: 'active' });
  res = await send({ command: 'activate' });
  expect(res.status).toBe(409);
  expect(await res.json()).toEqual({ error: 'incompatible_state', account_state: 'active', sub: 'u1' });
  res = await send({ command: 'suspend', sub: 'nobody' });
  expect(await res.json()).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub: 'nobody' });
});

it('answers 400 unsupported_command for commands not offered', async () => {
  const res = await send({ command: 'archive' });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: 'unsupported_command' });
});

it('answers metadata per §6.1 and stores the OP metadata', async () => {
  const res = await send({ command: 'metadata', sub: undefined, metadata: { groups: [{ id: 'g', display: 'G' }] } });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    client_name: 'Test RP',
    context: { iss: ISS, tenant: 'acme' },
    commands_supported: ['metadata', 'activate', 'suspend', 'audit', 'audit_tenant', 'delete_tenant', 'invalidate'],
    command_endpoint: url,
    client_id: 'rp-1',
  });
  expect([...store.metadata.values()]).toEqual([{ groups: [{ id: 'g', display: 'G' }] }]);
});

function parseSse(text: string): { id?: string; event?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      return { id: fields['id'], event: fields['event'], data: JSON.parse(fields['data'] ?? 'null') as unknown };
    });
}

it('streams audit_tenant as SSE, ending with command-complete', async () => {
  await send({ command: 'activate', sub: 'a' });
  await send({ command: 'activate', sub: 'b' });
  const res = await send({ command: 'audit_tenant', sub: undefined }, { accept: 'text/event-stream' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const text = await res.text();
  for (const line of text.split('\n').filter((l) => l.startsWith('data:'))) expect(() => JSON.parse(line.slice(5)) as unknown).not.toThrow();
  const events = parseSse(text);
  expect(events.map((e) => e.event)).toEqual(['account-state', 'account-state', 'command-complete']);
  expect(new Set(events.map((e) => e.id)).size).toBe(3);
  expect(events[0]?.data).toMatchObject({ sub: 'a', account_state: 'active' });
  expect(events[2]?.data).toEqual({ total_accounts: 2 });
});

it('streams delete_tenant as one command-complete with 0, and the tenant is empty after', async () => {
  await send({ command: 'activate', sub: 'a' });
  const del = parseSse(await (await send({ command: 'delete_tenant', sub: undefined })).text());
  expect(del).toEqual([{ id: '1', event: 'command-complete', data: { total_accounts: 0 } }]);
  const audit = parseSse(await (await send({ command: 'audit_tenant', sub: undefined })).text());
  expect(audit).toEqual([{ id: '1', event: 'command-complete', data: { total_accounts: 0 } }]);
});

it('answers 404 last-event-id-unavailable to a resume', async () => {
  const res = await send({ command: 'audit_tenant', sub: undefined }, { 'last-event-id': '7' });
  expect(res.status).toBe(404);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toMatchObject({ error: 'last-event-id-unavailable' });
});

it('sends an SSE error event when the store fails mid-stream', async () => {
  store.listByTenant = async function* () {
    yield await Promise.resolve({ sub: 'a', state: 'active' as const });
    throw new Error('db down');
  };
  const events = parseSse(await (await send({ command: 'audit_tenant', sub: undefined })).text());
  expect(events.map((e) => e.event)).toEqual(['account-state', 'error']);
  expect(events[1]?.data).toEqual({ error_description: 'the RP could not finish the command' });
  expect(nextErrors).toHaveLength(1);
});

it('stops reading the store while the OP does not read (backpressure), and for good once it disconnects', async () => {
  const TOTAL = 2_000_000; // ~190 MB of events if nothing held the producer back
  let produced = 0;
  let closed = false;
  const listAuditData = async function* (): AsyncGenerator<string[]> {
    try {
      for (let page = 0; page * 1000 < TOTAL; page += 1) {
        const lines = Array.from({ length: 1000 }, (_, i) => `{"sub":"user-${page * 1000 + i}","account_state":"active","email":"someone@example.org"}`);
        produced += lines.length;
        yield await Promise.resolve(lines);
      }
    } finally {
      closed = true;
    }
  };
  Object.assign(store, { listAuditData });
  const body = new URLSearchParams({ command_token: await mint({ command: 'audit_tenant', sub: undefined }) }).toString();
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } });
  const response = await new Promise<IncomingMessage>((resolve) => {
    req.on('response', resolve);
    req.end(body);
  });
  expect(response.statusCode).toBe(200);
  response.pause(); // the OP stops reading

  // Wait until the producer has stalled: the count stops moving.
  let last = -1;
  while (produced !== last) {
    last = produced;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(produced).toBeLessThan(TOTAL / 10); // held back by the socket, not run to the end
  expect(closed).toBe(false);

  response.destroy();
  req.destroy();
  for (let i = 0; i < 50 && !closed; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(closed).toBe(true); // the store's iterator was closed: no more queries
  expect(produced).toBeLessThan(TOTAL / 10);
}, 30_000); // on a loaded CI machine filling the socket buffers alone can take seconds
