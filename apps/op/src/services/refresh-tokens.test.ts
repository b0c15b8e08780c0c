import { ClientMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import { sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import { isOffline, issuesRefreshTokens, newRefreshToken, refreshTokenProblem } from './refresh-tokens.js';

function client(metadata: ClientMetadataInput): ClientRecord {
  const parsed = ClientMetadataSchema.parse(metadata);
  return {
    id: 'c',
    secret: 's',
    firstParty: false,
    name: 'c',
    redirectUris: [],
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

const now = new Date('2026-01-01T00:00:00Z');
const live = { consumedAt: null, revokedAt: null, expiresAt: new Date(now.getTime() + 1000), clientId: 'c' };

describe('refreshTokenProblem', () => {
  it('accepts a live token of this client', () => {
    expect(refreshTokenProblem(live, 'c', now)).toBeNull();
  });
  it('reports reuse before anything else, even for another client', () => {
    expect(refreshTokenProblem({ ...live, consumedAt: now, revokedAt: now, clientId: 'x' }, 'c', now)).toBe('reused');
  });
  it('reports a revoked token', () => {
    expect(refreshTokenProblem({ ...live, revokedAt: now }, 'c', now)).toBe('revoked');
  });
  it('reports an expired token (expiry is exclusive)', () => {
    expect(refreshTokenProblem({ ...live, expiresAt: now }, 'c', now)).toBe('expired');
  });
  it('reports a token of another client', () => {
    expect(refreshTokenProblem(live, 'other', now)).toBe('other-client');
  });
});

describe('issuance rules', () => {
  it('issues refresh tokens only to clients registered for the grant', () => {
    expect(issuesRefreshTokens(client({ grant_types: ['authorization_code'] }))).toBe(false);
    expect(issuesRefreshTokens(client({ grant_types: ['authorization_code', 'refresh_token'] }))).toBe(true);
  });
  it('recognises offline_access', () => {
    expect(isOffline('openid offline_access')).toBe(true);
    expect(isOffline('openid offline_accessx')).toBe(false);
  });
  it('stores only the hash of a new token', () => {
    const { value, record } = newRefreshToken({
      familyId: 'g',
      clientId: 'c',
      userId: 'u',
      sessionId: null,
      scope: 'openid',
      authTime: now,
      acr: 'a',
      amr: [],
      nonce: null,
      expiresAt: now,
    });
    expect(record.id).toBe(sha256Base64Url(value));
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
