import request from 'supertest';
import { KeySet, decodeJwtUnverified, generateSigningKey, sha256Base64Url, tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { issueAccessToken } from '../../src/services/issue-access-token.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient, createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { grantFor, refresh, userinfoStatus } from '../token/code-fixture.js';

const MFA = 'urn:oidc-ref:acr:mfa';

let op: TestOp;
let user: UserRecord;
let jwtClient: ClientRecord;
let opaqueClient: ClientRecord;

beforeAll(async () => {
  op = await bootstrap({ OP_REGISTRATION: 'open' });
  user = await createUser(op.repos);
  jwtClient = await createClient(op.repos, {
    metadata: { grant_types: ['authorization_code', 'refresh_token'], access_token_format: 'jwt' },
  });
  opaqueClient = await createClient(op.repos, { metadata: { grant_types: ['authorization_code', 'refresh_token'] } });
});
afterAll(() => op.dispose());

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const jwks = async () => (await request(op.app).get('/jwks')).body as { keys: object[] };
const userinfo = (token: string) => request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);

describe('JWT access tokens for users (access_token_format "jwt")', () => {
  it('come from the code exchange signed by the OP, typ at+jwt, with acr, auth_time, amr, sid, sub, client_id and scope', async () => {
    const grant = await grantFor(op, jwtClient, user, { acr: MFA, amr: ['pwd', 'otp', 'mfa'] });
    const { access_token: accessToken, id_token: idToken } = grant.tokens;
    const { header, payload } = await verifyJwtWithJwks(accessToken, await jwks(), {
      issuer: ISSUER,
      audience: ISSUER,
      typ: 'at+jwt',
      currentDate: op.clock.now,
    });
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: user.id,
      aud: ISSUER,
      client_id: jwtClient.id,
      iat: epoch(op.clock.now),
      exp: epoch(op.clock.now) + op.config.ttl.jwtAccessToken,
      jti: expect.stringMatching(/^[\w-]{43}$/),
      scope: 'openid email profile',
      auth_time: epoch(grant.authTime),
      acr: MFA,
      amr: ['pwd', 'otp', 'mfa'],
      sid: grant.sessionId,
    });
    expect(grant.tokens).toMatchObject({ token_type: 'Bearer', expires_in: op.config.ttl.jwtAccessToken });
    // The ID token binds the JWT value like any access token.
    expect(decodeJwtUnverified(idToken!).payload.at_hash).toBe(tokenHash(accessToken, 'RS256'));
  });

  it('are recorded by jti with their grant, session and auth snapshot (so they can be revoked)', async () => {
    const grant = await grantFor(op, jwtClient, user);
    const { jti } = decodeJwtUnverified(grant.tokens.access_token).payload as { jti: string };
    expect(await op.repos.accessTokens.findById(jti)).toMatchObject({
      clientId: jwtClient.id,
      userId: user.id,
      sessionId: grant.sessionId,
      scope: 'openid email profile',
      acr: 'urn:oidc-ref:acr:pwd',
      amr: ['pwd'],
      authTime: grant.authTime,
      revokedAt: null,
    });
    expect(await op.repos.accessTokens.findById(sha256Base64Url(grant.tokens.access_token))).toBeNull();
  });

  it('work at UserInfo while live, and stop when their grant is revoked (code replay)', async () => {
    const grant = await grantFor(op, jwtClient, user);
    const res = await userinfo(grant.tokens.access_token);
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe(user.id);
    expect((await grant.replayCode()).status).toBe(400);
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
  });

  it('keep the original auth_time, acr and sid across refresh, with a new jti', async () => {
    const grant = await grantFor(op, jwtClient, user, { acr: MFA, amr: ['pwd', 'otp'] });
    op.clock.advance(60);
    const res = await refresh(op.app, jwtClient, grant.tokens.refresh_token!);
    expect(res.status).toBe(200);
    const before = decodeJwtUnverified(grant.tokens.access_token).payload;
    const after = decodeJwtUnverified(res.body.access_token).payload;
    expect(after).toMatchObject({ auth_time: before.auth_time, acr: MFA, amr: ['pwd', 'otp'], sid: grant.sessionId, sub: user.id });
    expect(after.iat).toBe((before.iat as number) + 60);
    expect(after.jti).not.toBe(before.jti);
    expect(res.body.expires_in).toBe(op.config.ttl.jwtAccessToken);
  });

  it('come from the password grant without sid (no OP session)', async () => {
    const client = await createClient(op.repos, {
      metadata: { grant_types: ['password'], response_types: [], redirect_uris: [], scope: 'openid', access_token_format: 'jwt' },
    });
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic(client))
      .type('form')
      .send({ grant_type: 'password', username: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    const { payload } = decodeJwtUnverified(res.body.access_token);
    expect(payload).toMatchObject({ sub: user.id, acr: 'urn:oidc-ref:acr:pwd', amr: ['pwd'], auth_time: epoch(op.clock.now) });
    expect(payload).not.toHaveProperty('sid');
    expect(await userinfoStatus(op.app, res.body.access_token)).toBe(200);
  });

  it('expire at exp for UserInfo', async () => {
    const grant = await grantFor(op, jwtClient, user);
    op.clock.advance(op.config.ttl.jwtAccessToken + 1);
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
  });
});

describe('opaque access tokens stay the default for users', () => {
  it('are 256 random bits stored only as their SHA-256', async () => {
    const grant = await grantFor(op, opaqueClient, user);
    expect(grant.tokens.access_token).toMatch(/^[\w-]{43}$/);
    expect(await op.repos.accessTokens.findById(sha256Base64Url(grant.tokens.access_token))).toMatchObject({ userId: user.id });
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(200);
  });
});

describe('UserInfo refuses with 401 invalid_token', () => {
  it('an ID token presented as an access token (typ is not at+jwt)', async () => {
    const grant = await grantFor(op, jwtClient, user);
    const res = await userinfo(grant.tokens.id_token!);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('a JWT access token signed by a key that is not the OP’s', async () => {
    const grant = await grantFor(op, jwtClient, user);
    const { payload } = decodeJwtUnverified(grant.tokens.access_token);
    const stranger = await KeySet.load([await generateSigningKey('ES256')]);
    expect(await userinfoStatus(op.app, await stranger.sign(payload, { typ: 'at+jwt' }))).toBe(401);
  });

  it('a JWT access token whose payload was changed', async () => {
    const grant = await grantFor(op, jwtClient, user);
    const [header, payload, signature] = grant.tokens.access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'openid email profile phone' })).toString('base64url');
    expect(await userinfoStatus(op.app, `${header}.${forged}.${signature}`)).toBe(401);
  });

  it('a validly signed user JWT that was never recorded', async () => {
    const token = await issueAccessToken(op, {
      client: jwtClient,
      user,
      scope: 'openid',
      grantId: 'g',
      sessionId: null,
      authTime: op.clock.now,
      acr: 'urn:oidc-ref:acr:pwd',
      amr: ['pwd'],
      claims: null,
      now: op.clock.now,
    });
    expect(await userinfoStatus(op.app, token.value)).toBe(401);
    await op.repos.accessTokens.create(token.record);
    expect(await userinfoStatus(op.app, token.value)).toBe(200);
  });
});

describe('registration of access_token_format', () => {
  const register = (body: object) => request(op.app).post('/register').send(body);

  it('accepts jwt and opaque and echoes the choice', async () => {
    for (const format of ['jwt', 'opaque']) {
      const res = await register({ redirect_uris: ['https://rp.test/cb'], access_token_format: format });
      expect(res.status).toBe(201);
      expect(res.body.access_token_format).toBe(format);
      expect((await op.repos.clients.findById(res.body.client_id as string))?.metadata.access_token_format).toBe(format);
    }
  });

  it('refuses any other value with invalid_client_metadata', async () => {
    const res = await register({ redirect_uris: ['https://rp.test/cb'], access_token_format: 'paseto' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toContain('access_token_format');
  });

  it('drops resource_server: only the operator may make a client a resource server', async () => {
    const res = await register({ redirect_uris: ['https://rp.test/cb'], resource_server: true });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('resource_server');
    expect((await op.repos.clients.findById(res.body.client_id as string))?.metadata.resource_server).toBeUndefined();
  });
});
