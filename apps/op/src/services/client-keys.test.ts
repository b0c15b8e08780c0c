import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import { clientKeys, ClientKeysError } from './client-keys.js';

const client = (metadata: Record<string, unknown>): ClientRecord => {
  const parsed = ClientMetadataSchema.parse(metadata);
  return { id: 'c', secret: null, firstParty: false, name: 'c', redirectUris: [], responseTypes: [], grantTypes: [], tokenEndpointAuthMethod: parsed.token_endpoint_auth_method, metadata: parsed };
};

function fakeFetch(bodies: string[]) {
  const calls: string[] = [];
  const fn = (async (url: string) => {
    calls.push(url);
    return new Response(bodies[Math.min(calls.length - 1, bodies.length - 1)], { status: 200 });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

it('returns registered jwks without fetching', async () => {
  const { fn, calls } = fakeFetch(['{}']);
  const keys = clientKeys({ fetch: fn });
  await expect(keys.jwksFor(client({ jwks: { keys: [{ kty: 'EC', kid: 'a' }] } }))).resolves.toEqual({ keys: [{ kty: 'EC', kid: 'a' }] });
  expect(calls).toHaveLength(0);
});

it('caches a jwks_uri document and refetches once for an unknown kid', async () => {
  const { fn, calls } = fakeFetch(['{"keys":[{"kty":"EC","kid":"old"}]}', '{"keys":[{"kty":"EC","kid":"new"}]}']);
  const keys = clientKeys({ fetch: fn });
  const c = client({ jwks_uri: 'https://rp.test/jwks' });
  await keys.jwksFor(c, 'old');
  await keys.jwksFor(c, 'old');
  expect(calls).toHaveLength(1);
  const rotated = await keys.jwksFor(c, 'new');
  expect(rotated.keys[0]?.kid).toBe('new');
  expect(calls).toHaveLength(2);
});

it('refetches after the cache time', async () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const { fn, calls } = fakeFetch(['{"keys":[]}']);
  const keys = clientKeys({ fetch: fn, cacheSeconds: 60, now: () => now });
  const c = client({ jwks_uri: 'https://rp.test/jwks' });
  await keys.jwksFor(c);
  now = new Date(now.getTime() + 61_000);
  await keys.jwksFor(c);
  expect(calls).toHaveLength(2);
});

it.each([
  ['not JSON', 'nope'],
  ['not a key set', '{"x":1}'],
  ['too large', JSON.stringify({ keys: [{ kty: 'EC', pad: 'x'.repeat(70_000) }] })],
])('refuses a document that is %s', async (_name, body) => {
  const keys = clientKeys({ fetch: fakeFetch([body]).fn });
  await expect(keys.jwksFor(client({ jwks_uri: 'https://rp.test/jwks' }))).rejects.toBeInstanceOf(ClientKeysError);
});

it('refuses a client with no keys', async () => {
  await expect(clientKeys().jwksFor(client({}))).rejects.toThrow('registered no keys');
});
