import request from 'supertest';
import { decodeJwtUnverified, sha256Base64Url, tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { grantFor, refresh, userinfoStatus } from '../token/code-fixture.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos, { metadata: { grant_types: ['authorization_code', 'refresh_token'] } });
  user = await createUser(op.repos);
});
afterAll(() => op.dispose());

const payloadOf = (jwt: string) => decodeJwtUnverified(jwt).payload;

describe('issuance at the code exchange', () => {
  it('issues a refresh token through the real front channel to a client registered for the grant', async () => {
    const { query, verifier } = authorizeQuery(client);
    const { params } = await signIn(browser(op.app), query, user.email);
    const res = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await op.repos.refreshTokens.findById(sha256Base64Url(res.body.refresh_token));
    expect(stored).toMatchObject({ clientId: client.id, userId: user.id, scope: 'openid email profile', consumedAt: null });
    expect(stored?.sessionId).toBe(payloadOf(res.body.id_token).sid);
  });

  it('issues none to a client not registered for refresh_token', async () => {
    const codeOnly = await createClient(op.repos);
    const { tokens } = await grantFor(op, codeOnly, user);
    expect(tokens).not.toHaveProperty('refresh_token');
  });

  it('binds a refresh token without offline_access to the session, and an offline one to none', async () => {
    const online = await grantFor(op, client, user, { scope: 'openid' });
    const offline = await grantFor(op, client, user, { scope: 'openid offline_access' });
    expect((await op.repos.refreshTokens.findById(sha256Base64Url(online.tokens.refresh_token!)))?.sessionId).toBe(online.sessionId);
    expect((await op.repos.refreshTokens.findById(sha256Base64Url(offline.tokens.refresh_token!)))?.sessionId).toBeNull();
  });

  it('stores claims.userinfo of the request on the access tokens, at the exchange and on refresh', async () => {
    const claims = { userinfo: { email: { essential: true } }, id_token: { auth_time: { essential: true } } };
    const { tokens } = await grantFor(op, client, user, { claims });
    const first = await op.repos.accessTokens.findLive(sha256Base64Url(tokens.access_token), op.clock.now);
    expect(first?.claims).toEqual(claims.userinfo);
    const refreshed = await refresh(op.app, client, tokens.refresh_token!);
    const second = await op.repos.accessTokens.findLive(sha256Base64Url(refreshed.body.access_token), op.clock.now);
    expect(second?.claims).toEqual(claims.userinfo);
  });
});

describe('rotation', () => {
  it('consumes the presented token and returns new tokens with a fresh OIDC §12.2 ID token', async () => {
    const { tokens, sessionId, authTime } = await grantFor(op, client, user);
    op.clock.advance(120);
    const res = await refresh(op.app, client, tokens.refresh_token!);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: op.config.ttl.accessToken, scope: 'openid email profile' });
    expect(res.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(res.body.access_token).not.toBe(tokens.access_token);

    const jwks = (await request(op.app).get('/jwks')).body;
    const { payload } = await verifyJwtWithJwks(res.body.id_token, jwks, { issuer: ISSUER, audience: client.id, currentDate: op.clock.now });
    const original = payloadOf(tokens.id_token!);
    expect(payload).toMatchObject({ iss: original.iss, sub: original.sub, aud: original.aud, acr: original.acr, amr: original.amr });
    expect(payload.auth_time).toBe(Math.floor(authTime.getTime() / 1000));
    expect(payload.iat).toBe(Math.floor(op.clock.now.getTime() / 1000));
    expect(payload.iat).toBeGreaterThan(original.iat as number);
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.sid).toBe(sessionId);
    expect(payload.at_hash).toBe(tokenHash(res.body.access_token, 'RS256'));

    const old = await op.repos.refreshTokens.findById(sha256Base64Url(tokens.refresh_token!));
    const successor = await op.repos.refreshTokens.findById(sha256Base64Url(res.body.refresh_token));
    expect(old?.consumedAt).toEqual(op.clock.now);
    expect(successor).toMatchObject({ familyId: old?.familyId, scope: old?.scope, expiresAt: old?.expiresAt, consumedAt: null });
    expect(await userinfoStatus(op.app, res.body.access_token)).toBe(200);
  });

  it('keeps rotating: each successor works once', async () => {
    const { tokens } = await grantFor(op, client, user);
    let current = tokens.refresh_token!;
    for (let i = 0; i < 3; i++) {
      const res = await refresh(op.app, client, current);
      expect(res.status).toBe(200);
      current = res.body.refresh_token;
    }
  });

  it('does not extend the family: the absolute expiry of the first token holds', async () => {
    const { tokens } = await grantFor(op, client, user, { scope: 'openid offline_access' });
    op.clock.advance(op.config.ttl.refreshToken - 60);
    const res = await refresh(op.app, client, tokens.refresh_token!);
    expect(res.status).toBe(200);
    op.clock.advance(120);
    const late = await refresh(op.app, client, res.body.refresh_token);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
  });
});

describe('reuse detection', () => {
  it('answers a reused token with invalid_grant and revokes the whole family', async () => {
    const { tokens } = await grantFor(op, client, user);
    const first = await refresh(op.app, client, tokens.refresh_token!);
    expect(first.status).toBe(200);
    expect(await userinfoStatus(op.app, tokens.access_token)).toBe(200);

    const reuse = await refresh(op.app, client, tokens.refresh_token!);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect(reuse.headers['cache-control']).toBe('no-store');

    // every access token of the grant, and the successor refresh token, are dead
    expect(await userinfoStatus(op.app, tokens.access_token)).toBe(401);
    expect(await userinfoStatus(op.app, first.body.access_token)).toBe(401);
    const successor = await refresh(op.app, client, first.body.refresh_token);
    expect(successor.status).toBe(400);
    expect(successor.body.error).toBe('invalid_grant');
  });

  it('lets exactly one of two concurrent uses win, and treats the loser as reuse', async () => {
    const { tokens } = await grantFor(op, client, user);
    const results = await Promise.all([refresh(op.app, client, tokens.refresh_token!), refresh(op.app, client, tokens.refresh_token!)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const loser = results.find((r) => r.status === 400)!;
    expect(loser.body.error).toBe('invalid_grant');
    const winner = results.find((r) => r.status === 200)!;
    const rows = await op.db.refreshToken.findMany({ where: { familyId: (await op.repos.refreshTokens.findById(sha256Base64Url(tokens.refresh_token!)))!.familyId } });
    expect(rows).toHaveLength(2); // one successor, never two
    expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
    expect(await userinfoStatus(op.app, winner.body.access_token)).toBe(401);
  });

  it('also revokes the refresh tokens of a grant whose code is replayed', async () => {
    const { tokens, replayCode } = await grantFor(op, client, user);
    const replay = await replayCode();
    expect(replay.body.error).toBe('invalid_grant');
    const res = await refresh(op.app, client, tokens.refresh_token!);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });
});

describe('scope', () => {
  it('narrows the access token to a requested subset; the new refresh token keeps the original scope', async () => {
    const { tokens } = await grantFor(op, client, user);
    const narrowed = await refresh(op.app, client, tokens.refresh_token!, { scope: 'openid email' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('openid email');
    expect((await op.repos.accessTokens.findLive(sha256Base64Url(narrowed.body.access_token), op.clock.now))?.scope).toBe('openid email');
    const full = await refresh(op.app, client, narrowed.body.refresh_token);
    expect(full.body.scope).toBe('openid email profile');
  });

  it('refuses a scope beyond the original grant with invalid_scope, without consuming the token', async () => {
    const { tokens } = await grantFor(op, client, user, { scope: 'openid email' });
    const res = await refresh(op.app, client, tokens.refresh_token!, { scope: 'openid email profile' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect((await refresh(op.app, client, tokens.refresh_token!)).status).toBe(200);
  });

  it('returns no ID token when the narrowed scope leaves out openid', async () => {
    const { tokens } = await grantFor(op, client, user);
    const res = await refresh(op.app, client, tokens.refresh_token!, { scope: 'email' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('id_token');
  });
});

describe('invalid_grant', () => {
  it('for an unknown token', async () => {
    const res = await refresh(op.app, client, 'not-a-refresh-token');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('for a token issued to another client, which the rightful client can still use', async () => {
    const { tokens } = await grantFor(op, client, user);
    const other = await createClient(op.repos, { metadata: { grant_types: ['authorization_code', 'refresh_token'] } });
    const stolen = await refresh(op.app, other, tokens.refresh_token!);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await refresh(op.app, client, tokens.refresh_token!)).status).toBe(200);
  });

  it('for an expired token', async () => {
    const { tokens } = await grantFor(op, client, user, { scope: 'openid offline_access' });
    op.clock.advance(op.config.ttl.refreshToken + 1);
    const res = await refresh(op.app, client, tokens.refresh_token!);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('for a revoked token (e.g. at logout)', async () => {
    const { tokens, sessionId } = await grantFor(op, client, user);
    expect(await op.repos.refreshTokens.revokeBySession(sessionId, op.clock.now)).toBe(1);
    const res = await refresh(op.app, client, tokens.refresh_token!);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('for a session-bound token once its OP session has ended; an offline_access token lives on', async () => {
    const online = await grantFor(op, client, user, { scope: 'openid' });
    const offline = await grantFor(op, client, user, { scope: 'openid offline_access' });
    await op.repos.sessions.delete(online.sessionId);
    await op.repos.sessions.delete(offline.sessionId);
    const ended = await refresh(op.app, client, online.tokens.refresh_token!);
    expect(ended.status).toBe(400);
    expect(ended.body.error).toBe('invalid_grant');
    const lives = await refresh(op.app, client, offline.tokens.refresh_token!);
    expect(lives.status).toBe(200);
    expect(payloadOf(lives.body.id_token)).not.toHaveProperty('sid');
  });

  it('requires refresh_token (invalid_request)', async () => {
    const res = await refresh(op.app, client, '');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('client rules', () => {
  it('answers unauthorized_client to a client no longer registered for refresh_token', async () => {
    const changing = await createClient(op.repos, { metadata: { grant_types: ['authorization_code', 'refresh_token'] } });
    const { tokens } = await grantFor(op, changing, user);
    await op.repos.clients.save({ id: changing.id, secret: changing.secret, metadata: { ...changing.metadata, grant_types: ['authorization_code'] } });
    const res = await refresh(op.app, changing, tokens.refresh_token!);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('lets a public client (none) refresh with its client_id alone', async () => {
    const publicClient = await createClient(op.repos, {
      secret: null,
      metadata: { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
    });
    const code = await grantViaPublicClient(publicClient);
    const res = await request(op.app)
      .post('/token')
      .type('form')
      .send({ grant_type: 'refresh_token', client_id: publicClient.id, refresh_token: code.refresh_token });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeTruthy();
  });
});

async function grantViaPublicClient(publicClient: ClientRecord): Promise<{ refresh_token: string }> {
  const { query, verifier } = authorizeQuery(publicClient);
  const { params } = await signIn(browser(op.app), query, user.email);
  const res = await request(op.app).post('/token').type('form').send({
    grant_type: 'authorization_code',
    client_id: publicClient.id,
    code: params.get('code')!,
    code_verifier: verifier,
    redirect_uri: publicClient.redirectUris[0]!,
  });
  if (res.status !== 200) throw new Error(`public exchange answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
