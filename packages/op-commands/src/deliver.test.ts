import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { deliverCommand, interpretCommandResponse } from './deliver.js';

describe('interpretCommandResponse', () => {
  it('treats 200 and 204 as success, 202 as accepted for async commands', () => {
    expect(interpretCommandResponse('suspend', 200, { sub: 's', account_state: 'suspended' })).toEqual({
      kind: 'succeeded',
      status: 200,
      body: { sub: 's', account_state: 'suspended' },
    });
    expect(interpretCommandResponse('suspend', 204, undefined)).toEqual({ kind: 'succeeded', status: 204 });
    expect(interpretCommandResponse('suspend_async', 202, undefined)).toEqual({ kind: 'accepted', status: 202 });
  });

  it('treats a 409 already in the target state as converged, other 409s as rejected', () => {
    expect(interpretCommandResponse('suspend', 409, { error: 'incompatible_state', account_state: 'suspended', sub: 's' })).toEqual({
      kind: 'converged',
      status: 409,
      accountState: 'suspended',
    });
    expect(interpretCommandResponse('delete', 409, { error: 'incompatible_state', account_state: 'unknown' }).kind).toBe('converged');
    expect(interpretCommandResponse('restore', 409, { error: 'incompatible_state', account_state: 'suspended' })).toMatchObject({
      kind: 'rejected',
      error: 'incompatible_state',
      accountState: 'suspended',
    });
    expect(interpretCommandResponse('migrate', 409, { error: 'authentication_not_transferable' })).toMatchObject({ kind: 'rejected' });
  });

  it('retries 5xx, 408 and 429; rejects other 4xx with their error code', () => {
    expect(interpretCommandResponse('suspend', 503, undefined).kind).toBe('retry');
    expect(interpretCommandResponse('suspend', 429, undefined).kind).toBe('retry');
    expect(interpretCommandResponse('suspend', 401, { error: 'unrecognized_provider' })).toEqual({ kind: 'rejected', status: 401, error: 'unrecognized_provider' });
    expect(interpretCommandResponse('suspend', 400, 'not json')).toEqual({ kind: 'rejected', status: 400, error: 'http_400' });
  });
});

describe('deliverCommand', () => {
  it('posts the token form-encoded and interprets the answer', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.url = url;
      seen.init = init;
      return new Response(JSON.stringify({ sub: 's', account_state: 'active' }), { status: 200 });
    }) as unknown as typeof fetch;
    const outcome = await deliverCommand({ commandEndpoint: 'https://rp.test/c', token: 'a.b.c', command: 'activate', fetch: fakeFetch });
    expect(outcome.kind).toBe('succeeded');
    expect(seen.url).toBe('https://rp.test/c');
    expect(seen.init?.method).toBe('POST');
    expect(String(seen.init?.body)).toBe('command_token=a.b.c');
    expect((seen.init?.headers as Record<string, string>)['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('turns a network failure into a retry, never a throw', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(deliverCommand({ commandEndpoint: 'https://rp.test/c', token: 't', command: 'suspend', fetch: failing })).resolves.toMatchObject({
      kind: 'retry',
    });
  });
});

describe('deliverCommand without a fetch (node:http, keep-alive)', () => {
  let server: http.Server;
  let url: string;
  const seen: { body: string; type: string | undefined; connection: number }[] = [];
  let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: '{"sub":"u1"}' };

  beforeAll(async () => {
    let connections = 0;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ body: Buffer.concat(chunks).toString(), type: req.headers['content-type'], connection: (req.socket as unknown as { n: number }).n });
        setTimeout(() => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body);
        }, answer.delayMs ?? 0);
      });
    });
    server.on('connection', (socket) => {
      (socket as unknown as { n: number }).n = ++connections;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/commands/acme`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the form, interprets the answer, and reuses the connection', async () => {
    answer = { status: 200, body: '{"sub":"u1"}' };
    await expect(deliverCommand({ commandEndpoint: url, token: 'a.b.c', command: 'activate' })).resolves.toEqual({ kind: 'succeeded', status: 200, body: { sub: 'u1' } });
    answer = { status: 409, body: '{"error":"incompatible_state","account_state":"suspended"}' };
    await expect(deliverCommand({ commandEndpoint: url, token: 'd.e.f', command: 'suspend' })).resolves.toEqual({ kind: 'converged', status: 409, accountState: 'suspended' });
    expect(seen.slice(-2).map((s) => s.body)).toEqual(['command_token=a.b.c', 'command_token=d.e.f']);
    expect(seen.at(-1)?.type).toBe('application/x-www-form-urlencoded');
    expect(seen.at(-1)?.connection).toBe(seen.at(-2)?.connection);
  });

  it('turns a 503, a timeout and a refused connection into retries', async () => {
    answer = { status: 503, body: '' };
    await expect(deliverCommand({ commandEndpoint: url, token: 't', command: 'suspend' })).resolves.toMatchObject({ kind: 'retry', status: 503 });
    answer = { status: 200, body: '{}', delayMs: 300 };
    await expect(deliverCommand({ commandEndpoint: url, token: 't', command: 'suspend', timeoutMs: 50 })).resolves.toMatchObject({ kind: 'retry' });
    await expect(deliverCommand({ commandEndpoint: 'http://127.0.0.1:1/commands/acme', token: 't', command: 'suspend' })).resolves.toMatchObject({ kind: 'retry' });
  });
});
