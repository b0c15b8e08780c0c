import { generateSigningKey, KeySet, randomToken, signJwtWithSecret, type StoredSigningKey } from '@oidc-ref/crypto';
import { ClientMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientAssertionRepository } from '../repositories/client-assertion-repository.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { ClientKeys } from '../services/client-keys.js';
import {
  assertionAlgorithms,
  assertionReplayGuard,
  checkAssertionClaims,
  verifyClientAssertion,
  type ClientAssertionDeps,
} from './client-assertion.js';
import { JWT_BEARER_ASSERTION_TYPE, readClientCredentials } from './read-client-credentials.js';

const ISSUER = 'https://op.test';
const NOW = new Date('2026-03-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const SECRET = 'a-client-secret-of-at-least-32-bytes!!';
const failed = expect.objectContaining({ error: 'invalid_client', status: 401 });

function client(metadata: ClientMetadataInput, secret: string | null = SECRET): ClientRecord {
  const parsed = ClientMetadataSchema.parse(metadata);
  return {
    id: 'client-1',
    secret,
    firstParty: false,
    name: 'c',
    redirectUris: [],
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

function memoryJtis(): ClientAssertionRepository & { purges: number } {
  const used = new Set<string>();
  return {
    purges: 0,
    async recordJti(clientId, jti) {
      const key = `${clientId}\n${jti}`;
      if (used.has(key)) return false;
      used.add(key);
      return true;
    },
    async purgeExpired() {
      this.purges++;
      return 0;
    },
  };
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'client-1',
  sub: 'client-1',
  aud: ISSUER,
  jti: randomToken(16),
  exp: nowSeconds + 60,
  iat: nowSeconds,
  ...overrides,
});

describe('checkAssertionClaims', () => {
  const expected = { clientId: 'client-1', issuer: ISSUER, now: NOW };
  it('returns the jti and keeps it until exp plus the leeway', () => {
    const payload = claims({ jti: 'j1' });
    expect(checkAssertionClaims(payload, expected)).toEqual({ jti: 'j1', expiresAt: new Date((nowSeconds + 65) * 1000) });
  });
  it.each([
    ['iss is another client', { iss: 'other' }],
    ['sub is another client', { sub: 'other' }],
    ['aud is the token endpoint URL', { aud: `${ISSUER}/token` }],
    ['aud is an array with the issuer and another audience', { aud: [ISSUER, 'https://other.test'] }],
    ['aud is an array holding only the issuer', { aud: [ISSUER] }],
    ['exp is missing', { exp: undefined }],
    ['exp has passed', { exp: nowSeconds - 10 }],
    ['exp is more than five minutes ahead', { exp: nowSeconds + 306 }],
    ['jti is missing', { jti: undefined }],
    ['jti is not a string', { jti: 42 }],
    ['jti is too long', { jti: 'x'.repeat(257) }],
  ])('refuses an assertion whose %s', (_name, overrides) => {
    expect(() => checkAssertionClaims(claims(overrides), expected)).toThrow(failed);
  });
  it('accepts exp exactly five minutes ahead', () => {
    expect(() => checkAssertionClaims(claims({ exp: nowSeconds + 300 }), expected)).not.toThrow();
  });
});

describe('assertionAlgorithms', () => {
  it('allows the HMAC family for client_secret_jwt and the asymmetric one for private_key_jwt', () => {
    expect(assertionAlgorithms('client_secret_jwt', undefined)).toEqual(['HS256', 'HS384', 'HS512']);
    expect(assertionAlgorithms('private_key_jwt', undefined)).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
  });
  it('narrows to the registered token_endpoint_auth_signing_alg', () => {
    expect(assertionAlgorithms('private_key_jwt', 'ES256')).toEqual(['ES256']);
    expect(assertionAlgorithms('private_key_jwt', 'HS256')).toEqual([]);
  });
});

describe('verifyClientAssertion', () => {
  let key: StoredSigningKey;
  let keys: KeySet;
  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    keys = await KeySet.load([key]);
  });

  function deps(jwksFor: ClientKeys['jwksFor'] = async () => ({ keys: [key.publicJwk as unknown as Record<string, unknown>] })) {
    const repo = memoryJtis();
    const result: ClientAssertionDeps = { issuer: ISSUER, clientKeys: { jwksFor }, replay: assertionReplayGuard(repo), now: NOW };
    return result;
  }
  const credentialsFor = (assertion: string) => {
    const credentials = readClientCredentials(undefined, { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
    if (credentials.method !== 'private_key_jwt' && credentials.method !== 'client_secret_jwt') throw new Error('not an assertion');
    return credentials;
  };

  it('accepts a private_key_jwt assertion once, then refuses its replay', async () => {
    const d = deps();
    const c = client({ token_endpoint_auth_method: 'private_key_jwt' });
    const assertion = await keys.sign(claims());
    await expect(verifyClientAssertion(d, c, credentialsFor(assertion))).resolves.toBeUndefined();
    await expect(verifyClientAssertion(d, c, credentialsFor(assertion))).rejects.toEqual(failed);
  });

  it('accepts a client_secret_jwt assertion signed with the client secret', async () => {
    const c = client({ token_endpoint_auth_method: 'client_secret_jwt' });
    const assertion = await signJwtWithSecret(claims(), SECRET, { alg: 'HS512' });
    await expect(verifyClientAssertion(deps(), c, credentialsFor(assertion))).resolves.toBeUndefined();
  });

  it('refuses a client_secret_jwt assertion signed with another secret', async () => {
    const c = client({ token_endpoint_auth_method: 'client_secret_jwt' });
    const assertion = await signJwtWithSecret(claims(), 'another-secret-that-is-long-enough!!');
    await expect(verifyClientAssertion(deps(), c, credentialsFor(assertion))).rejects.toEqual(failed);
  });

  it('refuses an alg other than the registered one', async () => {
    const c = client({ token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256' });
    const assertion = await keys.sign(claims());
    await expect(verifyClientAssertion(deps(), c, credentialsFor(assertion))).rejects.toEqual(failed);
  });

  it('refuses a signature by a key the client did not register', async () => {
    const stranger = await KeySet.load([await generateSigningKey('ES256')]);
    const c = client({ token_endpoint_auth_method: 'private_key_jwt' });
    const assertion = await stranger.sign(claims());
    await expect(verifyClientAssertion(deps(), c, credentialsFor(assertion))).rejects.toEqual(failed);
  });

  it('answers invalid_client when the client keys cannot be fetched', async () => {
    const { ClientKeysError } = await import('../services/client-keys.js');
    const c = client({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://rp.test/jwks' });
    const assertion = await keys.sign(claims());
    const d = deps(async () => {
      throw new ClientKeysError('jwks_uri answered 500');
    });
    await expect(verifyClientAssertion(d, c, credentialsFor(assertion))).rejects.toEqual(failed);
  });

  it('refuses an expired assertion', async () => {
    const c = client({ token_endpoint_auth_method: 'private_key_jwt' });
    const assertion = await keys.sign(claims({ exp: nowSeconds - 60, iat: nowSeconds - 120 }));
    await expect(verifyClientAssertion(deps(), c, credentialsFor(assertion))).rejects.toEqual(failed);
  });
});

describe('assertionReplayGuard', () => {
  it('purges expired jtis at most once per interval', async () => {
    const repo = memoryJtis();
    const guard = assertionReplayGuard(repo, { purgeIntervalMs: 60_000 });
    await guard.firstUse('c', 'a', NOW, NOW);
    await guard.firstUse('c', 'b', NOW, new Date(NOW.getTime() + 30_000));
    expect(repo.purges).toBe(1);
    await guard.firstUse('c', 'c', NOW, new Date(NOW.getTime() + 61_000));
    expect(repo.purges).toBe(2);
  });
});
