import request from 'supertest';
import { sha256Base64Url, tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createUser } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createFrontChannelClient(op.repos);
  user = await createUser(op.repos, { name: 'Ada Lovelace', organization: { id: 'org-rt', name: 'Org RT' } });
});
afterAll(() => op.dispose());

async function respond(responseType: string, extra: Record<string, string> = {}) {
  const { query, verifier } = authorizeQuery(client, { response_type: responseType, ...extra });
  const res = await authorizeAndSignIn(browser(op.app), query, user.email);
  return { delivered: readAuthorizationResponse(res), verifier };
}

async function verifyIdToken(idToken: string) {
  const jwks = (await request(op.app).get('/jwks')).body;
  return verifyJwtWithJwks(idToken, jwks, { issuer: ISSUER, audience: client.id });
}

const userinfo = (accessToken: string) => request(op.app).get('/userinfo').set('Authorization', `Bearer ${accessToken}`);

describe('code', () => {
  it('returns only a code, in the query', async () => {
    const { delivered, verifier } = await respond('code');
    expect(delivered.mode).toBe('query');
    expect(delivered.params.get('code')).toMatch(/^[\w-]{43}$/);
    for (const absent of ['access_token', 'id_token', 'token_type']) expect(delivered.params.get(absent)).toBeNull();
    const token = await exchangeCode(op.app, client, { code: delivered.params.get('code')!, code_verifier: verifier });
    expect(token.status).toBe(200);
  });
});

describe('id_token (implicit)', () => {
  it('returns only an ID token, in the fragment, with nonce, s_hash, sid and the scope claims', async () => {
    const { delivered } = await respond('id_token');
    expect(delivered.mode).toBe('fragment');
    expect(delivered.params.get('state')).toBe('state-123');
    expect(delivered.params.get('iss')).toBe(ISSUER);
    for (const absent of ['code', 'access_token', 'token_type', 'expires_in']) expect(delivered.params.get(absent)).toBeNull();
    const { payload, header } = await verifyIdToken(delivered.params.get('id_token')!);
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: user.id,
      aud: client.id,
      nonce: 'nonce-456',
      s_hash: tokenHash('state-123', header.alg),
      name: 'Ada Lovelace',
      email: user.email,
      email_verified: true,
      tenant: 'org-rt',
    });
    expect(payload.sid).toBeTruthy();
    expect(payload).not.toHaveProperty('at_hash');
    expect(payload).not.toHaveProperty('c_hash');
  });

  it('leaves s_hash out when no state was sent', async () => {
    const { delivered } = await respond('id_token', { state: '' });
    const { payload } = await verifyIdToken(delivered.params.get('id_token')!);
    expect(payload).not.toHaveProperty('s_hash');
    expect(delivered.params.has('state')).toBe(false);
  });
});

describe('id_token token (implicit)', () => {
  it('returns an access token and an ID token bound to it by at_hash; scope claims go to UserInfo', async () => {
    const { delivered } = await respond('token id_token');
    expect(delivered.mode).toBe('fragment');
    expect(delivered.params.get('code')).toBeNull();
    expect(delivered.params.get('token_type')).toBe('Bearer');
    expect(delivered.params.get('expires_in')).toBe(String(op.config.ttl.accessToken));
    const accessToken = delivered.params.get('access_token')!;
    const { payload, header } = await verifyIdToken(delivered.params.get('id_token')!);
    expect(payload.at_hash).toBe(tokenHash(accessToken, header.alg));
    expect(payload.nonce).toBe('nonce-456');
    expect(payload).not.toHaveProperty('c_hash');
    expect(payload).not.toHaveProperty('email');
    const info = await userinfo(accessToken);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: user.id, email: user.email, name: 'Ada Lovelace' });
  });

  it('stores the access token as the token endpoint does: hashed, with the session and auth facts', async () => {
    const { delivered } = await respond('id_token token');
    const accessToken = delivered.params.get('access_token')!;
    const row = await op.db.accessToken.findUnique({ where: { id: sha256Base64Url(accessToken) } });
    expect(row).toMatchObject({
      clientId: client.id,
      userId: user.id,
      scope: 'openid email profile',
      acr: 'urn:oidc-ref:acr:pwd',
      amr: ['pwd'],
      revokedAt: null,
    });
    expect(row?.grantId).toBeTruthy();
    expect(row?.sessionId).toBeTruthy();
    expect(row?.authTime).toBeInstanceOf(Date);
    expect(await op.db.accessToken.count({ where: { id: accessToken } })).toBe(0);
  });
});

describe('code id_token (hybrid)', () => {
  it('returns a code and an ID token bound to it by c_hash; the code still exchanges', async () => {
    const { delivered, verifier } = await respond('code id_token');
    expect(delivered.mode).toBe('fragment');
    const code = delivered.params.get('code')!;
    expect(delivered.params.get('access_token')).toBeNull();
    const { payload, header } = await verifyIdToken(delivered.params.get('id_token')!);
    expect(payload.c_hash).toBe(tokenHash(code, header.alg));
    expect(payload).not.toHaveProperty('at_hash');
    expect(payload).not.toHaveProperty('email');
    const token = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(token.status).toBe(200);
    const fromTokenEndpoint = await verifyIdToken(token.body.id_token);
    expect(fromTokenEndpoint.payload.sub).toBe(payload.sub);
    expect(fromTokenEndpoint.payload.iss).toBe(payload.iss);
    expect(fromTokenEndpoint.payload.nonce).toBe('nonce-456');
  });
});

describe('code token (hybrid)', () => {
  it('returns a code and an access token, and no ID token', async () => {
    const { delivered } = await respond('code token', { nonce: '' });
    expect(delivered.mode).toBe('fragment');
    expect(delivered.params.get('code')).toBeTruthy();
    expect(delivered.params.get('access_token')).toBeTruthy();
    expect(delivered.params.get('token_type')).toBe('Bearer');
    expect(delivered.params.get('id_token')).toBeNull();
  });
});

describe('code id_token token (hybrid)', () => {
  it('returns all three, with c_hash and at_hash, in any order of the response type', async () => {
    const { delivered } = await respond('token code id_token');
    const code = delivered.params.get('code')!;
    const accessToken = delivered.params.get('access_token')!;
    const { payload, header } = await verifyIdToken(delivered.params.get('id_token')!);
    expect(payload.c_hash).toBe(tokenHash(code, header.alg));
    expect(payload.at_hash).toBe(tokenHash(accessToken, header.alg));
    expect(payload.s_hash).toBe(tokenHash('state-123', header.alg));
  });

  it('gives the code and the front-channel access token one grant: replaying the code revokes both', async () => {
    const { delivered, verifier } = await respond('code id_token token');
    const code = delivered.params.get('code')!;
    const accessToken = delivered.params.get('access_token')!;
    const codeRow = await op.db.authorizationCode.findUnique({ where: { id: sha256Base64Url(code) } });
    const tokenRow = await op.db.accessToken.findUnique({ where: { id: sha256Base64Url(accessToken) } });
    expect(codeRow?.grantId).toBe(tokenRow?.grantId);

    const first = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect((await userinfo(accessToken)).status).toBe(200);
    const replay = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await userinfo(accessToken)).status).toBe(401);
    expect((await userinfo(first.body.access_token)).status).toBe(401);
  });
});

it('never issues an ID token from the authorization endpoint without the nonce it was sent', async () => {
  const { query } = authorizeQuery(client, { response_type: 'id_token', nonce: '' });
  const res = await authorizeAndSignIn(browser(op.app), query, user.email);
  const delivered = readAuthorizationResponse(res);
  expect(delivered.params.get('error')).toBe('invalid_request');
  expect(delivered.params.get('id_token')).toBeNull();
});
