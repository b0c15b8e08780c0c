import { KeySet, decodeJwtUnverified, generateSigningKey, sha256Base64Url, type SigningAlg } from '@oidc-ref/crypto';
import { ClientMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import { accessTokenFormat, issueAccessToken, type IssueAccessTokenDeps } from './issue-access-token.js';
import type { KeyService } from './keys.js';

const ISSUER = 'https://op.test';
const NOW = new Date('2026-03-01T12:00:00.250Z');
const IAT = Math.floor(NOW.getTime() / 1000);
const AUTH_TIME = new Date('2026-03-01T11:59:00Z');

function client(metadata: ClientMetadataInput = {}): ClientRecord {
  const parsed = ClientMetadataSchema.parse(metadata);
  return {
    id: 'client-1',
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

let keys: KeyService;
beforeAll(async () => {
  const set = await KeySet.load(await Promise.all((['ES256', 'RS256'] as SigningAlg[]).map((alg) => generateSigningKey(alg))));
  keys = { current: () => set, reload: async () => set, refresh: async () => set, stop: () => undefined };
});

function deps(overrides: Partial<IssueAccessTokenDeps['config']['accessTokens']> = {}): IssueAccessTokenDeps {
  return {
    keys,
    config: {
      issuer: ISSUER,
      ttl: { session: 1, interaction: 1, code: 1, accessToken: 3600, idToken: 1, refreshToken: 1, jwtAccessToken: 600 },
      accessTokens: { signingAlg: 'ES256', audience: ISSUER, ...overrides },
    },
  };
}

const user = { id: 'user-1' };
const userInput = (c: ClientRecord, sessionId: string | null = 'sid-1') => ({
  client: c,
  user,
  scope: 'openid email',
  grantId: 'grant-1',
  sessionId,
  authTime: AUTH_TIME,
  acr: 'urn:oidc-ref:acr:mfa',
  amr: ['pwd', 'otp'],
  claims: { email: null },
  now: NOW,
});

describe('accessTokenFormat', () => {
  it('defaults to JWT for a client’s own tokens and opaque for user tokens', () => {
    expect(accessTokenFormat(client(), false)).toBe('jwt');
    expect(accessTokenFormat(client(), true)).toBe('opaque');
  });

  it('follows the registered access_token_format either way', () => {
    expect(accessTokenFormat(client({ access_token_format: 'opaque' }), false)).toBe('opaque');
    expect(accessTokenFormat(client({ access_token_format: 'jwt' }), true)).toBe('jwt');
  });
});

describe('issueAccessToken', () => {
  it('issues an opaque user token and the row that stores only its SHA-256', async () => {
    const token = await issueAccessToken(deps(), userInput(client()));
    expect(token.format).toBe('opaque');
    expect(token.value).toMatch(/^[\w-]{43}$/);
    expect(token.expiresIn).toBe(3600);
    expect(token.record).toEqual({
      id: sha256Base64Url(token.value),
      grantId: 'grant-1',
      clientId: 'client-1',
      userId: 'user-1',
      sessionId: 'sid-1',
      scope: 'openid email',
      authTime: AUTH_TIME,
      acr: 'urn:oidc-ref:acr:mfa',
      amr: ['pwd', 'otp'],
      claims: { email: null },
      expiresAt: new Date(NOW.getTime() + 3600_000),
      createdAt: NOW,
    });
  });

  it('issues a user JWT with the RFC 9068 and RFC 9470 claims, recorded by its jti until exp', async () => {
    const token = await issueAccessToken(deps(), userInput(client({ access_token_format: 'jwt' })));
    const { header, payload } = decodeJwtUnverified(token.value);
    expect(header).toEqual({ alg: 'ES256', kid: keys.current().signingKey('ES256').kid, typ: 'at+jwt' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'user-1',
      aud: ISSUER,
      client_id: 'client-1',
      iat: IAT,
      exp: IAT + 600,
      jti: expect.stringMatching(/^[\w-]{43}$/),
      scope: 'openid email',
      auth_time: Math.floor(AUTH_TIME.getTime() / 1000),
      acr: 'urn:oidc-ref:acr:mfa',
      amr: ['pwd', 'otp'],
      sid: 'sid-1',
    });
    expect(token.expiresIn).toBe(600);
    expect(token.record).toMatchObject({ id: payload.jti, userId: 'user-1', sessionId: 'sid-1', expiresAt: new Date((IAT + 600) * 1000) });
  });

  it('leaves out sid without a session, and amr when there is none', async () => {
    const input = { ...userInput(client({ access_token_format: 'jwt' }), null), amr: [] };
    const { payload } = decodeJwtUnverified((await issueAccessToken(deps(), input)).value);
    expect(payload).not.toHaveProperty('sid');
    expect(payload).not.toHaveProperty('amr');
  });

  it('issues the client’s own token as an unrecorded JWT naming the client as sub', async () => {
    const token = await issueAccessToken(deps(), { client: client(), scope: 'api:read', now: NOW });
    expect(token.record).toBeUndefined();
    const { payload } = decodeJwtUnverified(token.value);
    expect(payload).toEqual({
      iss: ISSUER,
      sub: 'client-1',
      aud: ISSUER,
      client_id: 'client-1',
      iat: IAT,
      exp: IAT + 600,
      jti: expect.any(String),
      scope: 'api:read',
    });
  });

  it('uses the configured algorithm and audience', async () => {
    const token = await issueAccessToken(deps({ signingAlg: 'RS256', audience: 'https://api.example' }), {
      client: client(),
      scope: '',
      now: NOW,
    });
    const { header, payload } = decodeJwtUnverified(token.value);
    expect(header.alg).toBe('RS256');
    expect(payload.aud).toBe('https://api.example');
    expect(payload).not.toHaveProperty('scope');
  });

  it('records an opaque client token with no user, grant or session', async () => {
    const token = await issueAccessToken(deps(), { client: client({ access_token_format: 'opaque' }), scope: 'api', now: NOW });
    expect(token.record).toEqual({
      id: sha256Base64Url(token.value),
      grantId: null,
      clientId: 'client-1',
      userId: null,
      sessionId: null,
      scope: 'api',
      authTime: null,
      acr: null,
      amr: [],
      claims: null,
      expiresAt: new Date(NOW.getTime() + 3600_000),
      createdAt: NOW,
    });
  });
});
