import { randomUUID } from 'node:crypto';
import type { NewAccessToken, NewRefreshToken } from '../../src/repositories/grant-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

const at = (iso: string) => new Date(iso);

function accessToken(overrides: Partial<NewAccessToken> = {}): NewAccessToken {
  return {
    id: randomUUID(),
    grantId: 'grant-1',
    clientId: 'client-1',
    userId: 'user-1',
    sessionId: 'session-1',
    scope: 'openid email',
    authTime: at('2026-02-03T04:05:06.789Z'),
    acr: 'urn:oidc-ref:acr:pwd',
    amr: ['pwd', 'otp'],
    claims: { email: { essential: true }, "it's": null },
    expiresAt: at('2026-02-03T05:05:06.001Z'),
    ...overrides,
  };
}

function refreshToken(overrides: Partial<NewRefreshToken> = {}): NewRefreshToken {
  return {
    id: randomUUID(),
    familyId: 'grant-1',
    clientId: 'client-1',
    userId: 'user-1',
    sessionId: null,
    scope: 'openid offline_access',
    authTime: at('2026-02-03T04:05:06.789Z'),
    acr: 'urn:oidc-ref:acr:pwd',
    amr: [],
    nonce: 'n-0',
    claims: { userinfo: { name: null } },
    expiresAt: at('2026-03-05T04:05:06.789Z'),
    ...overrides,
  };
}

describe('hand-written token INSERTs read back exactly through Prisma', () => {
  it('stores every access token field, dates in UTC to the millisecond', async () => {
    const token = accessToken();
    await op.repos.accessTokens.create(token);
    const row = await op.db.accessToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row).toMatchObject({ ...token, revokedAt: null });
  });

  it('stores nulls and defaults of a client_credentials token', async () => {
    const token: NewAccessToken = { id: randomUUID(), grantId: null, clientId: 'c', userId: null, scope: '', expiresAt: at('2026-01-01T00:00:00.000Z') };
    await op.repos.accessTokens.create(token);
    const row = await op.db.accessToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row).toMatchObject({ ...token, sessionId: null, authTime: null, acr: null, amr: [], claims: null, revokedAt: null });
  });

  it('stores an access token and a refresh token together', async () => {
    const token = accessToken();
    const refresh = refreshToken();
    await op.repos.grants.issue(token, refresh);
    expect(await op.db.accessToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject(token);
    expect(await op.db.refreshToken.findUniqueOrThrow({ where: { id: refresh.id } })).toMatchObject({ ...refresh, consumedAt: null, revokedAt: null });
  });

  it('rotates atomically: once consumed, a second rotation stores nothing', async () => {
    const first = refreshToken();
    await op.repos.grants.issue(accessToken(), first);
    const now = at('2026-02-04T00:00:00.123Z');
    const successor = refreshToken({ sessionId: 'session-9' });
    const token = accessToken({ claims: null });
    expect(await op.repos.grants.rotateRefreshToken(first.id, now, token, successor)).toBe('rotated');
    expect((await op.repos.refreshTokens.findById(first.id))?.consumedAt).toEqual(now);
    expect(await op.repos.refreshTokens.findById(successor.id)).toMatchObject({ ...successor, consumedAt: null });
    expect(await op.db.accessToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ ...token, claims: null });

    const again = { access: accessToken(), refresh: refreshToken() };
    expect(await op.repos.grants.rotateRefreshToken(first.id, now, again.access, again.refresh)).toBe('already-used');
    expect(await op.db.accessToken.findUnique({ where: { id: again.access.id } })).toBeNull();
    expect(await op.db.refreshToken.findUnique({ where: { id: again.refresh.id } })).toBeNull();
  });

  it('does not rotate a revoked token', async () => {
    const first = refreshToken();
    await op.repos.grants.issue(accessToken(), first);
    await op.repos.grants.revokeGrant(first.familyId, new Date());
    expect(await op.repos.grants.rotateRefreshToken(first.id, new Date(), accessToken(), refreshToken())).toBe('already-used');
  });

  it('redeems a code at most once, with or without a refresh token', async () => {
    for (const withRefresh of [false, true]) {
      const codeId = randomUUID();
      await op.repos.authorizationCodes.create({
        id: codeId,
        grantId: 'g',
        clientId: 'c',
        userId: 'u',
        sessionId: 's',
        redirectUri: 'https://rp.test/cb',
        scope: 'openid',
        nonce: null,
        codeChallenge: 'x',
        codeChallengeMethod: 'S256',
        authTime: new Date(),
        acr: 'a',
        amr: [],
        maxAgeRequested: false,
        expiresAt: new Date(Date.now() + 60_000),
      });
      const token = accessToken();
      const refresh = withRefresh ? refreshToken() : undefined;
      expect(await op.repos.grants.redeemCode(codeId, new Date(), token, refresh)).toBe('redeemed');
      expect(await op.db.accessToken.findUnique({ where: { id: token.id } })).not.toBeNull();
      if (refresh) expect(await op.db.refreshToken.findUnique({ where: { id: refresh.id } })).not.toBeNull();
      const late = accessToken();
      expect(await op.repos.grants.redeemCode(codeId, new Date(), late, withRefresh ? refreshToken() : undefined)).toBe('already-used');
      expect(await op.db.accessToken.findUnique({ where: { id: late.id } })).toBeNull();
    }
  });

  it('records a jti once per client', async () => {
    const expires = at('2026-02-03T04:05:06.789Z');
    expect(await op.repos.clientAssertions.recordJti('c', 'j', expires)).toBe(true);
    expect(await op.repos.clientAssertions.recordJti('c', 'j', expires)).toBe(false);
    expect(await op.repos.clientAssertions.recordJti('other', 'j', expires)).toBe(true);
    const row = await op.db.clientAssertionJti.findUniqueOrThrow({ where: { clientId_jti: { clientId: 'c', jti: 'j' } } });
    expect(row.expiresAt).toEqual(expires);
  });
});
