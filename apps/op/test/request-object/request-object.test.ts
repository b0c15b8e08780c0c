import request from 'supertest';
import { verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { browser } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createUser, pkcePair } from '../helpers/factories.js';
import {
  authorizeAndSignIn,
  clientSigningKey,
  createFrontChannelClient,
  readAuthorizationResponse,
  signJwtWithSecret,
  unsignedJwt,
} from '../helpers/front-channel.js';

let op: TestOp;
let user: UserRecord;
let rsKey: Awaited<ReturnType<typeof clientSigningKey>>;
let esKey: Awaited<ReturnType<typeof clientSigningKey>>;
let rsClient: ClientRecord;
let esClient: ClientRecord;
let hsClient: ClientRecord;
let publicClient: ClientRecord;

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
  rsKey = await clientSigningKey('RS256');
  esKey = await clientSigningKey('ES256');
  rsClient = await createFrontChannelClient(op.repos, { metadata: { jwks: rsKey.jwks } as never });
  esClient = await createFrontChannelClient(op.repos, { metadata: { jwks: esKey.jwks, request_object_signing_alg: 'ES256' } as never });
  hsClient = await createFrontChannelClient(op.repos);
  publicClient = await createFrontChannelClient(op.repos, { secret: null, metadata: { token_endpoint_auth_method: 'none' } });
});
afterAll(() => op.dispose());

const now = () => Math.floor(op.clock.now.getTime() / 1000);

function objectClaims(client: ClientRecord, extra: Record<string, unknown> = {}) {
  const { verifier, challenge } = pkcePair();
  const claims: Record<string, unknown> = {
    iss: client.id,
    aud: ISSUER,
    client_id: client.id,
    response_type: 'code',
    redirect_uri: 'https://rp.test/callback',
    scope: 'openid email',
    state: 'object-state',
    nonce: 'object-nonce',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    iat: now(),
    exp: now() + 300,
    ...extra,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return { claims, verifier };
}

function outer(client: ClientRecord, requestObject: string, extra: Record<string, string> = {}) {
  return { client_id: client.id, response_type: 'code', scope: 'openid', request: requestObject, ...extra };
}

const authorize = (query: Record<string, string>) => request(op.app).get('/authorize').query(query);

function expectObjectError(res: request.Response, code: string, mode: 'query' | 'fragment' | 'form_post' = 'query') {
  const delivered = readAuthorizationResponse(res);
  expect(delivered.mode).toBe(mode);
  expect(delivered.target).toBe('https://rp.test/callback');
  expect(delivered.params.get('error')).toBe(code);
  expect(delivered.params.get('state')).toBe('object-state');
  expect(delivered.params.get('iss')).toBe(ISSUER);
  expect(delivered.params.get('code')).toBeNull();
}

describe('a valid request object', () => {
  it.each([
    ['RS256 with the client jwks', () => rsClient, (c: object) => rsKey.sign(c)],
    ['ES256, the registered request_object_signing_alg', () => esClient, (c: object) => esKey.sign(c)],
    ['HS256 with the client secret', () => hsClient, (c: object) => signJwtWithSecret(c as Record<string, unknown>, hsClient.secret!, { alg: 'HS256' })],
  ])('%s is accepted, and only its parameters count (JAR)', async (_name, getClient, sign) => {
    const client = getClient();
    const { claims, verifier } = objectClaims(client);
    const jwt = await sign(claims);
    const query = outer(client, jwt, { state: 'outer-state', nonce: 'outer-nonce', redirect_uri: 'https://outer.test/cb', prompt: 'none' });
    const res = await authorizeAndSignIn(browser(op.app), query, user.email);
    const delivered = readAuthorizationResponse(res);
    expect(delivered.target).toBe('https://rp.test/callback');
    expect(delivered.params.get('state')).toBe('object-state');
    const code = delivered.params.get('code')!;
    expect(code).toBeTruthy();
    const token = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('openid email');
    const jwks = (await request(op.app).get('/jwks')).body;
    const { payload } = await verifyJwtWithJwks(token.body.id_token, jwks, { issuer: ISSUER, audience: client.id });
    expect(payload.nonce).toBe('object-nonce');
  });

  it("uses the object's response_mode, and the outer scope when the object has none", async () => {
    const { claims } = objectClaims(rsClient, { response_mode: 'form_post', response_type: 'id_token', scope: undefined, code_challenge: undefined });
    const res = await authorizeAndSignIn(browser(op.app), outer(rsClient, await rsKey.sign(claims), { response_type: 'id_token' }), user.email);
    const delivered = readAuthorizationResponse(res);
    expect(delivered.mode).toBe('form_post');
    expect(delivered.params.get('id_token')).toBeTruthy();
  });

  it('accepts a numeric max_age and a claims object inside the object', async () => {
    const { claims } = objectClaims(rsClient, {
      response_type: 'id_token',
      max_age: 3600,
      claims: { id_token: { email: { essential: true } } },
      code_challenge: undefined,
    });
    const res = await authorizeAndSignIn(browser(op.app), outer(rsClient, await rsKey.sign(claims), { response_type: 'id_token' }), user.email);
    expect(readAuthorizationResponse(res).params.get('id_token')).toBeTruthy();
  });
});

describe('an invalid request object, once its redirect_uri matched a registered one, is redirected', () => {
  it('with a bad signature', async () => {
    const { claims } = objectClaims(rsClient);
    const [header] = (await rsKey.sign(claims)).split('.');
    const other = await clientSigningKey('RS256');
    const [, payload, signature] = (await other.sign(claims)).split('.');
    expectObjectError(await authorize(outer(rsClient, `${header}.${payload}.${signature}`)), 'invalid_request_object');
  });

  it('signed with a key the client did not register', async () => {
    const stranger = await clientSigningKey('RS256');
    expectObjectError(await authorize(outer(rsClient, await stranger.sign(objectClaims(rsClient).claims))), 'invalid_request_object');
  });

  it('signed with another alg than the registered request_object_signing_alg', async () => {
    const jwt = await signJwtWithSecret(objectClaims(esClient).claims, esClient.secret!, { alg: 'HS256' });
    expectObjectError(await authorize(outer(esClient, jwt)), 'invalid_request_object');
  });

  it('unsigned (alg none)', async () => {
    expectObjectError(await authorize(outer(rsClient, unsignedJwt(objectClaims(rsClient).claims))), 'invalid_request_object');
  });

  it('HS256 from a client without a secret', async () => {
    const jwt = await signJwtWithSecret(objectClaims(publicClient).claims, 'x'.repeat(32), { alg: 'HS256' });
    expectObjectError(await authorize(outer(publicClient, jwt)), 'invalid_request_object');
  });

  it('HS256 with the wrong secret', async () => {
    const jwt = await signJwtWithSecret(objectClaims(hsClient).claims, 'not-the-secret-'.repeat(3), { alg: 'HS256' });
    expectObjectError(await authorize(outer(hsClient, jwt)), 'invalid_request_object');
  });

  it.each([
    ['aud is the token endpoint', { aud: `${ISSUER}/token` }],
    ['aud is an array holding the issuer', { aud: [ISSUER] }],
    ['aud is missing', { aud: undefined }],
    ['iss is another client', { iss: 'someone-else' }],
    ['iss is missing', { iss: undefined }],
    ['it has expired', { exp: 1_000_000 }],
    ['it is not valid yet', { nbf: 4_000_000_000 }],
    ['it nests a request', { request: 'a.b.c' }],
    ['it nests a request_uri', { request_uri: 'https://rp.test/r' }],
    ['its client_id differs from the outer one', { client_id: 'someone-else' }],
    ['a member has an unusable type', { prompt: ['login'] }],
  ])('when %s', async (_name, override) => {
    const jwt = await rsKey.sign(objectClaims(rsClient, override).claims);
    expectObjectError(await authorize(outer(rsClient, jwt)), 'invalid_request_object');
  });

  it('when its response_type differs from the outer one (delivered in its default mode)', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { response_type: 'code id_token' }).claims);
    expectObjectError(await authorize(outer(rsClient, jwt)), 'invalid_request_object', 'fragment');
  });

  it('without the outer response_type (OIDC Core §6.1)', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient).claims);
    const query = { client_id: rsClient.id, scope: 'openid', request: jwt };
    expectObjectError(await authorize(query), 'invalid_request');
  });

  it('with a bad parameter inside, checked like any other', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { code_challenge_method: 'plain' }).claims);
    expectObjectError(await authorize(outer(rsClient, jwt)), 'invalid_request');
  });

  it("in the object's own response mode", async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { aud: 'https://elsewhere.test', response_mode: 'form_post' }).claims);
    expectObjectError(await authorize(outer(rsClient, jwt)), 'invalid_request_object', 'form_post');
  });
});

describe('errors rendered, never redirected', () => {
  it('an encrypted (JWE) request object', async () => {
    const res = await authorize(outer(rsClient, 'eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d', { redirect_uri: 'https://rp.test/callback' }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('invalid_request_object');
    expect(res.text).toContain('encrypted request objects are not supported');
  });

  it('a request object that is not a JWT', async () => {
    const res = await authorize(outer(rsClient, 'not-a-jwt', { redirect_uri: 'https://rp.test/callback' }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('invalid_request_object');
  });

  it('a validly signed object whose redirect_uri is not registered, even with a registered outer one', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { redirect_uri: 'https://attacker.test/cb' }).claims);
    const res = await authorize(outer(rsClient, jwt, { redirect_uri: 'https://rp.test/callback' }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('invalid_redirect_uri');
  });

  it('an object without a redirect_uri: the outer one is not used (JAR)', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { redirect_uri: undefined }).claims);
    const res = await authorize(outer(rsClient, jwt, { redirect_uri: 'https://rp.test/callback' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('invalid_redirect_uri');
  });

  it('an unsupported response_mode inside the object', async () => {
    const jwt = await rsKey.sign(objectClaims(rsClient, { response_mode: 'web_message' }).claims);
    const res = await authorize(outer(rsClient, jwt));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });
});
