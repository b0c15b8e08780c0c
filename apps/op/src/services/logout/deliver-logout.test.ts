import { KeySet, decodeJwtUnverified, generateSigningKey } from '@oidc-ref/crypto';
import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../repositories/client-repository.js';
import type { CommandDeliveryRecord } from '../../repositories/command-delivery-repository.js';
import { deliverBackchannelLogout, interpretLogoutResponse } from './deliver-logout.js';

const parsed = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.example/cb'], backchannel_logout_uri: 'https://rp.example/bcl?tenant=a' });
const rp: ClientRecord = {
  id: 'rp-1',
  secret: null,
  firstParty: false,
  name: 'rp-1',
  redirectUris: parsed.redirect_uris,
  responseTypes: parsed.response_types,
  grantTypes: parsed.grant_types,
  tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
  metadata: parsed,
};

const row = { id: 'd-1', clientId: 'rp-1', kind: 'backchannel_logout', sub: 'u-1', sid: 's-1', attempts: 1 } as CommandDeliveryRecord;

describe('interpretLogoutResponse', () => {
  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [400, 'rejected'],
    [401, 'rejected'],
    [404, 'rejected'],
    [302, 'rejected'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('%i → %s', (status, kind) => {
    expect(interpretLogoutResponse(status, undefined).kind).toBe(kind);
  });

  it('keeps the RP’s error code', () => {
    expect(interpretLogoutResponse(400, { error: 'invalid_request', error_description: 'bad jti' })).toEqual({
      kind: 'rejected',
      status: 400,
      error: 'invalid_request',
      errorDescription: 'bad jti',
    });
  });
});

describe('deliverBackchannelLogout', () => {
  let keys: { current: () => KeySet };
  beforeAll(async () => {
    const set = await KeySet.load([await generateSigningKey('RS256')]);
    keys = { current: () => set };
  });
  const clients = { findById: async (id: string) => (id === 'rp-1' ? rp : null) };

  it('POSTs logout_token form-encoded to the registered URI, without following redirects', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status: 204 });
    }) as unknown as typeof globalThis.fetch;
    const outcome = await deliverBackchannelLogout(row, { clients, keys, issuer: 'https://op.example', fetch, now: new Date() });
    expect(outcome).toEqual({ outcome: { kind: 'succeeded', status: 204 } });
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [{ url: string; init: RequestInit }];
    expect(url).toBe('https://rp.example/bcl?tenant=a');
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/x-www-form-urlencoded');
    const body = new URLSearchParams(init.body as string);
    expect([...body.keys()]).toEqual(['logout_token']);
    const { header, payload } = decodeJwtUnverified(body.get('logout_token')!);
    expect(header.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({ aud: 'rp-1', sub: 'u-1', sid: 's-1', iss: 'https://op.example' });
  });

  it('retries on a network error and fails for a client that is gone', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof globalThis.fetch;
    expect(await deliverBackchannelLogout(row, { clients, keys, issuer: 'i', fetch, now: new Date() })).toEqual({
      outcome: { kind: 'retry', reason: expect.stringMatching(/could not reach the backchannel_logout_uri: fetch failed/) },
    });
    expect(await deliverBackchannelLogout({ ...row, clientId: 'gone' }, { clients, keys, issuer: 'i', fetch, now: new Date() })).toEqual({
      undeliverable: 'the client no longer exists',
    });
  });
});
