import request from 'supertest';
import {
  decodeJwtUnverified,
  decryptJwt,
  generateEncryptionKey,
  signJwtWithSecret,
  verifyJwtWithJwks,
  type EncryptionKeyPair,
} from '@oidc-ref/crypto';
import { DiscoveryMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { grantFor, refresh } from '../token/code-fixture.js';

const MFA = 'urn:oidc-ref:acr:mfa';
const JWT_TYPE = 'application/token-introspection+jwt';
const SECRET = 'an-introspecting-client-secret-of-64-octets-0123456789abcdefghij';

let op: TestOp;
let user: UserRecord;
/** A confidential code client with refresh tokens (opaque access tokens). */
let rp: ClientRecord;
/** The same, receiving JWT access tokens. */
let jwtRp: ClientRecord;
/** Another confidential client: not a resource server. */
let other: ClientRecord;
/** A resource server (operator flag). */
let rs: ClientRecord;
let machine: ClientRecord;
let rsa: EncryptionKeyPair;

const codeClient = (metadata: ClientMetadataInput = {}, secret?: string) =>
  createClient(op.repos, { ...(secret !== undefined && { secret }), metadata: { grant_types: ['authorization_code', 'refresh_token'], ...metadata } });
const serverClient = (metadata: ClientMetadataInput = {}) =>
  createClient(op.repos, { metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read', ...metadata } });

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
  rp = await codeClient();
  jwtRp = await codeClient({ access_token_format: 'jwt' });
  other = await codeClient();
  rs = await serverClient({ resource_server: true });
  machine = await serverClient();
  rsa = await generateEncryptionKey('RSA-OAEP-256');
});
afterAll(() => op.dispose());

const introspect = (caller: ClientRecord, form: Record<string, string>, accept?: string) => {
  const req = request(op.app).post('/introspect').set('Authorization', basic(caller)).type('form');
  if (accept !== undefined) req.set('Accept', accept);
  return req.send(form);
};
const ccToken = async (client: ClientRecord) =>
  (await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' })).body
    .access_token as string;
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

describe('an active access token', () => {
  it('of the caller: 200 JSON, no-store, with scope, client_id, sub, exp, iat, iss, token_type, sid, acr and auth_time', async () => {
    const grant = await grantFor(op, rp, user, { acr: MFA, amr: ['pwd', 'otp'] });
    const res = await introspect(rp, { token: grant.tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toEqual({
      active: true,
      scope: 'openid email profile',
      client_id: rp.id,
      sub: user.id,
      exp: epoch(op.clock.now) + op.config.ttl.accessToken,
      iat: epoch(op.clock.now),
      iss: ISSUER,
      token_type: 'Bearer',
      sid: grant.sessionId,
      acr: MFA,
      auth_time: epoch(grant.authTime),
    });
  });

  it('a user JWT: the same members plus jti and aud', async () => {
    const grant = await grantFor(op, jwtRp, user, { acr: MFA });
    const { jti } = decodeJwtUnverified(grant.tokens.access_token).payload;
    const res = await introspect(jwtRp, { token: grant.tokens.access_token });
    expect(res.body).toMatchObject({
      active: true,
      client_id: jwtRp.id,
      sub: user.id,
      exp: epoch(op.clock.now) + op.config.ttl.jwtAccessToken,
      jti,
      aud: ISSUER,
      acr: MFA,
      auth_time: epoch(grant.authTime),
      sid: grant.sessionId,
    });
  });

  it('a client_credentials JWT: sub is the client, no acr or auth_time', async () => {
    const token = await ccToken(machine);
    const res = await introspect(machine, { token });
    expect(res.body).toEqual({
      active: true,
      scope: 'api:read',
      client_id: machine.id,
      sub: machine.id,
      exp: epoch(op.clock.now) + op.config.ttl.jwtAccessToken,
      iat: epoch(op.clock.now),
      iss: ISSUER,
      token_type: 'Bearer',
      jti: decodeJwtUnverified(token).payload.jti,
      aud: ISSUER,
    });
  });

  it('an opaque client_credentials token', async () => {
    const client = await serverClient({ access_token_format: 'opaque' });
    const res = await introspect(client, { token: await ccToken(client) });
    expect(res.body).toMatchObject({ active: true, client_id: client.id, sub: client.id, token_type: 'Bearer', scope: 'api:read' });
    expect(res.body).not.toHaveProperty('jti');
  });

  it('of another client: visible to a resource server only', async () => {
    const grant = await grantFor(op, rp, user);
    expect((await introspect(rs, { token: grant.tokens.access_token })).body).toMatchObject({ active: true, client_id: rp.id, sub: user.id });
    expect((await introspect(other, { token: grant.tokens.access_token })).body).toEqual({ active: false });
    expect((await introspect(machine, { token: await ccToken(rs) })).body).toEqual({ active: false });
    expect((await introspect(rs, { token: await ccToken(machine) })).body).toMatchObject({ active: true, client_id: machine.id });
  });

  it('is found whatever the token_type_hint says (an unknown hint counts as none)', async () => {
    const grant = await grantFor(op, rp, user);
    for (const hint of ['refresh_token', 'access_token', 'id_token', 'bogus']) {
      expect((await introspect(rp, { token: grant.tokens.access_token, token_type_hint: hint })).body.active).toBe(true);
    }
  });
});

describe('active: false and nothing else', () => {
  it('for an unknown token, opaque or JWT-shaped', async () => {
    for (const token of ['nope', 'a.b.c', await signJwtWithSecret({ sub: 'x' }, SECRET)]) {
      const res = await introspect(rp, { token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
  });

  it('for an expired access token', async () => {
    const grant = await grantFor(op, rp, user);
    const jwt = await grantFor(op, jwtRp, user);
    op.clock.advance(op.config.ttl.accessToken + 1);
    expect((await introspect(rp, { token: grant.tokens.access_token })).body).toEqual({ active: false });
    expect((await introspect(jwtRp, { token: jwt.tokens.access_token })).body).toEqual({ active: false });
  });

  it('for the tokens of a grant revoked by code replay', async () => {
    const grant = await grantFor(op, jwtRp, user);
    await grant.replayCode();
    expect((await introspect(jwtRp, { token: grant.tokens.access_token })).body).toEqual({ active: false });
    expect((await introspect(jwtRp, { token: grant.tokens.refresh_token! })).body).toEqual({ active: false });
  });

  it('for an ID token (an OP JWT that is not an access token)', async () => {
    const grant = await grantFor(op, rp, user);
    expect((await introspect(rp, { token: grant.tokens.id_token! })).body).toEqual({ active: false });
  });

  it('for the token of a client that was deleted', async () => {
    const gone = await codeClient();
    const grant = await grantFor(op, gone, user);
    await op.repos.clients.delete(gone.id);
    expect((await introspect(rs, { token: grant.tokens.access_token })).body).toEqual({ active: false });
  });
});

describe('refresh tokens', () => {
  it('are active for the client they were issued to, without token_type', async () => {
    const grant = await grantFor(op, rp, user, { acr: MFA });
    const res = await introspect(rp, { token: grant.tokens.refresh_token!, token_type_hint: 'refresh_token' });
    expect(res.body).toEqual({
      active: true,
      scope: 'openid email profile',
      client_id: rp.id,
      sub: user.id,
      exp: epoch(op.clock.now) + op.config.ttl.refreshToken,
      iat: epoch(op.clock.now),
      iss: ISSUER,
      sid: grant.sessionId,
      acr: MFA,
      auth_time: epoch(grant.authTime),
    });
  });

  it('are inactive for anyone else, resource servers included', async () => {
    const grant = await grantFor(op, rp, user);
    expect((await introspect(rs, { token: grant.tokens.refresh_token! })).body).toEqual({ active: false });
    expect((await introspect(other, { token: grant.tokens.refresh_token! })).body).toEqual({ active: false });
  });

  it('are inactive once rotated, and the successor is active', async () => {
    const grant = await grantFor(op, rp, user);
    const next = await refresh(op.app, rp, grant.tokens.refresh_token!);
    expect((await introspect(rp, { token: grant.tokens.refresh_token! })).body).toEqual({ active: false });
    expect((await introspect(rp, { token: next.body.refresh_token as string })).body.active).toBe(true);
  });

  it('bound to a session are inactive once the session ended; offline ones live on', async () => {
    const bound = await grantFor(op, rp, user);
    const offline = await grantFor(op, rp, user, { scope: 'openid offline_access' });
    await op.repos.sessions.delete(bound.sessionId);
    await op.repos.sessions.delete(offline.sessionId);
    expect((await introspect(rp, { token: bound.tokens.refresh_token! })).body).toEqual({ active: false });
    expect((await introspect(rp, { token: offline.tokens.refresh_token! })).body).toMatchObject({ active: true });
  });
});

describe('JWT responses (RFC 9701)', () => {
  const verify = async (jwt: string) =>
    verifyJwtWithJwks(jwt, (await request(op.app).get('/jwks')).body as { keys: object[] }, {
      issuer: ISSUER,
      typ: 'token-introspection+jwt',
      currentDate: op.clock.now,
    });

  it('answer Accept: application/token-introspection+jwt with a signed JWT (default RS256) wrapping the response', async () => {
    const grant = await grantFor(op, rp, user);
    const res = await introspect(rp, { token: grant.tokens.access_token }, JWT_TYPE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`${JWT_TYPE}; charset=utf-8`);
    expect(res.headers['cache-control']).toBe('no-store');
    const { header, payload } = await verify(res.text);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'token-introspection+jwt' });
    expect(payload).toEqual({
      iss: ISSUER,
      aud: rp.id,
      iat: epoch(op.clock.now),
      token_introspection: (await introspect(rp, { token: grant.tokens.access_token })).body,
    });
    // Never passes for an access token: no top-level sub or exp.
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('exp');
  });

  it('sign with the registered introspection_signed_response_alg, and wrap inactive answers too', async () => {
    const client = await codeClient({ introspection_signed_response_alg: 'ES256' });
    const res = await introspect(client, { token: 'unknown' }, JWT_TYPE);
    const { header, payload } = await verify(res.text);
    expect(header.alg).toBe('ES256');
    expect(payload.token_introspection).toEqual({ active: false });
  });

  it('follow the caller’s preference between JSON and the JWT', async () => {
    const preferJwt = await introspect(rp, { token: 'x' }, `application/json;q=0.5, ${JWT_TYPE}`);
    expect(preferJwt.headers['content-type']).toMatch(/^application\/token-introspection\+jwt/);
    const preferJson = await introspect(rp, { token: 'x' }, `application/json, ${JWT_TYPE};q=0.1`);
    expect(preferJson.body).toEqual({ active: false });
    const anything = await introspect(rp, { token: 'x' }, '*/*');
    expect(anything.headers['content-type']).toMatch(/^application\/json/);
  });

  it('are encrypted to a client registered for it (nested JWT), which must ask for the JWT', async () => {
    const client = await codeClient({
      introspection_encrypted_response_alg: 'RSA-OAEP-256',
      jwks: { keys: [rsa.publicJwk as unknown as { kty: string }] },
    });
    const grant = await grantFor(op, client, user);
    const res = await introspect(client, { token: grant.tokens.access_token }, JWT_TYPE);
    expect(res.status).toBe(200);
    expect(res.text.split('.')).toHaveLength(5);
    const { plaintext, header } = await decryptJwt(res.text, rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] });
    expect(header).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT', kid: rsa.kid });
    expect((await verify(plaintext)).payload).toMatchObject({ aud: client.id, token_introspection: { active: true, client_id: client.id } });

    const plain = await introspect(client, { token: grant.tokens.access_token });
    expect(plain.status).toBe(400);
    expect(plain.body.error).toBe('invalid_request');
  });
});

describe('the request', () => {
  it('needs token: 400 invalid_request', async () => {
    const res = await introspect(rp, {});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('needs client authentication: 401 invalid_client, with a Basic challenge when Basic was tried', async () => {
    const anonymous = await request(op.app).post('/introspect').type('form').send({ token: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const wrong = await request(op.app).post('/introspect').set('Authorization', basic({ ...rp, secret: 'wrong' })).type('form').send({ token: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="token"');
  });

  it('accepts client_secret_post and the assertion methods like the token endpoint', async () => {
    const post = await createClient(op.repos, { metadata: { token_endpoint_auth_method: 'client_secret_post' } });
    const res = await request(op.app).post('/introspect').type('form').send({ token: 'x', client_id: post.id, client_secret: post.secret! });
    expect(res.body).toEqual({ active: false });
    const jwtAuth = await createClient(op.repos, { secret: SECRET, metadata: { token_endpoint_auth_method: 'client_secret_jwt' } });
    const now = epoch(op.clock.now);
    const assertion = await signJwtWithSecret({ iss: jwtAuth.id, sub: jwtAuth.id, aud: ISSUER, jti: `j-${now}`, exp: now + 60 }, SECRET);
    const viaAssertion = await request(op.app).post('/introspect').type('form').send({
      token: 'x',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(viaAssertion.status).toBe(200);
  });

  it('refuses a public client with 401 invalid_client', async () => {
    const pub = await createClient(op.repos, { secret: null, metadata: { token_endpoint_auth_method: 'none' } });
    const res = await request(op.app).post('/introspect').type('form').send({ token: 'x', client_id: pub.id });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('must be a form POST', async () => {
    const get = await request(op.app).get('/introspect');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const json = await request(op.app).post('/introspect').set('Authorization', basic(rp)).send({ token: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
    const repeated = await request(op.app).post('/introspect').set('Authorization', basic(rp)).type('form').send('token=a&token=b');
    expect(repeated.body.error).toBe('invalid_request');
  });

  it('answers errors as JSON even to a browser asking for HTML', async () => {
    const res = await request(op.app).post('/introspect').set('Accept', 'text/html').type('form').send({ token: 'x' });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('discovery', () => {
  it('advertises the endpoints, their authentication methods and the JWT response algorithms', async () => {
    const metadata = DiscoveryMetadataSchema.parse((await request(op.app).get('/.well-known/openid-configuration')).body);
    expect(metadata).toMatchObject({
      introspection_endpoint: `${ISSUER}/introspect`,
      revocation_endpoint: `${ISSUER}/revoke`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
      introspection_endpoint_auth_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'],
      revocation_endpoint_auth_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'],
      introspection_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    });
    expect(metadata.introspection_encryption_alg_values_supported).toContain('RSA-OAEP-256');
    expect(metadata.introspection_encryption_enc_values_supported).toContain('A128CBC-HS256');
  });
});
