import request from 'supertest';
import {
  decryptJwt,
  generateEncryptionKey,
  randomToken,
  sha256Base64Url,
  verifyJwtWithJwks,
  verifyJwtWithSecret,
  type EncryptionKeyPair,
} from '@oidc-ref/crypto';
import type { ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';

let op: TestOp;
let user: UserRecord;
let rsa: EncryptionKeyPair;
let ec: EncryptionKeyPair;

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos, { name: 'Katherine Johnson' });
  rsa = await generateEncryptionKey('RSA-OAEP-256');
  ec = await generateEncryptionKey('ECDH-ES+A256KW');
});
afterAll(() => op.dispose());

const jwks = async () => JSON.parse((await request(op.app).get('/jwks')).text) as { keys: object[] };

async function accessTokenFor(metadata: ClientMetadataInput, secret?: string) {
  const client = await createClient(op.repos, { metadata, ...(secret !== undefined && { secret }) });
  const { query, verifier } = authorizeQuery(client, { scope: 'openid email profile' });
  const { params } = await signIn(browser(op.app), query, user.email);
  const res = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
  return { client, token: res.body.access_token as string };
}

const expectedClaims = () => ({ sub: user.id, name: 'Katherine Johnson', email: user.email, email_verified: true });
const get = (token: string) => request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);
const post = (token: string) => request(op.app).post('/userinfo').type('form').send({ access_token: token });

it('answers plain JSON when the client registered no signing or encryption', async () => {
  const { token } = await accessTokenFor({});
  const res = await get(token);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toMatchObject(expectedClaims());
  expect(res.body).not.toHaveProperty('iss');
});

describe('signed', () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'])('%s: application/jwt with iss and aud, verifying against /jwks (GET and POST)', async (alg) => {
    const { client, token } = await accessTokenFor({ userinfo_signed_response_alg: alg });
    for (const res of [await get(token), await post(token)]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/jwt/);
      expect(res.headers['cache-control']).toBe('no-store');
      const { header, payload } = await verifyJwtWithJwks(res.text, await jwks(), { issuer: ISSUER, audience: client.id, algorithms: [alg] });
      expect(header.alg).toBe(alg);
      expect(payload).toEqual({ ...expectedClaims(), tenant: 'personal', tenant_name: 'Personal', iss: ISSUER, aud: client.id });
    }
  });

  it('HS256: signed with the client secret', async () => {
    const secret = randomToken(32);
    const { client, token } = await accessTokenFor({ userinfo_signed_response_alg: 'HS256' }, secret);
    const res = await get(token);
    const { payload } = await verifyJwtWithSecret(res.text, secret, { issuer: ISSUER, audience: client.id });
    expect(payload).toMatchObject(expectedClaims());
  });
});

describe('encrypted', () => {
  it('encryption only: a JWE of the bare claims (no cty), to the client key', async () => {
    const { token } = await accessTokenFor({ jwks: { keys: [rsa.publicJwk] }, userinfo_encrypted_response_alg: 'RSA-OAEP-256' });
    const res = await get(token);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwt/);
    const { plaintext, header } = await decryptJwt(res.text, rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] });
    expect(header).toEqual({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', kid: rsa.kid });
    expect(JSON.parse(plaintext)).toMatchObject(expectedClaims());
  });

  it('signed and encrypted: a nested JWT whose inner JWS has iss and aud', async () => {
    const { client, token } = await accessTokenFor({
      jwks: { keys: [ec.publicJwk] },
      userinfo_signed_response_alg: 'ES256',
      userinfo_encrypted_response_alg: 'ECDH-ES+A256KW',
      userinfo_encrypted_response_enc: 'A256GCM',
    });
    const res = await post(token);
    const { plaintext, header } = await decryptJwt(res.text, ec.privateJwk, { algorithms: ['ECDH-ES+A256KW'] });
    expect(header).toEqual({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: ec.kid, cty: 'JWT' });
    const { payload } = await verifyJwtWithJwks(plaintext, await jwks(), { issuer: ISSUER, audience: client.id });
    expect(payload).toMatchObject({ ...expectedClaims(), iss: ISSUER, aud: client.id });
  });

  it('answers server_error (JSON, no claims) when the client has no usable key', async () => {
    const { token } = await accessTokenFor({ jwks: { keys: [ec.publicJwk] }, userinfo_encrypted_response_alg: 'RSA-OAEP-256' });
    const res = await get(token);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect(res.text).not.toContain(user.email);
  });
});

describe('RFC 6750 errors', () => {
  it('answers 403 insufficient_scope for a token without openid', async () => {
    const client = await createClient(op.repos);
    const token = randomToken(32);
    await op.repos.accessTokens.create({
      id: sha256Base64Url(token),
      grantId: null,
      clientId: client.id,
      userId: user.id,
      scope: 'email',
      expiresAt: new Date(op.clock.now.getTime() + 60_000),
    });
    const res = await get(token);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('answers 401 invalid_token once the client is gone', async () => {
    const { client, token } = await accessTokenFor({});
    await op.repos.clients.delete(client.id);
    const res = await get(token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

