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
