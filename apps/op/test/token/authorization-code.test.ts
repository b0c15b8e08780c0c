import request from 'supertest';
import { decodeJwtUnverified, tokenHash, verifyJwtWithJwks } from '@oidc-ref/crypto';
import { IdTokenClaimsSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { basic, exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { grantFor } from './code-fixture.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos);
  user = await createUser(op.repos, { organization: { id: 'org-acme', name: 'Acme Corporation' } });
});
afterAll(() => op.dispose());

async function codeFor(extra: Record<string, string> = {}, forClient = client) {
  const { query, verifier } = authorizeQuery(forClient, extra);
  const { params } = await signIn(browser(op.app), query, user.email);
  return { code: params.get('code')!, verifier };
}

describe('a successful exchange', () => {
  it('returns tokens with no-store and a verifiable ID token with every required claim', async () => {
    const { code, verifier } = await codeFor();
    const res = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: op.config.ttl.accessToken, scope: 'openid email profile' });
    expect(typeof res.body.access_token).toBe('string');

    const jwks = (await request(op.app).get('/jwks')).body;
    const { payload, header } = await verifyJwtWithJwks(res.body.id_token, jwks, { issuer: ISSUER, audience: client.id });
    expect(header.alg).toBe('RS256');
    const claims = IdTokenClaimsSchema.parse(payload);
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: user.id,
      aud: client.id,
      nonce: 'nonce-456',
      acr: 'urn:oidc-ref:acr:pwd',
      amr: ['pwd'],
      tenant: 'org-acme',
      tenant_name: 'Acme Corporation',
    });
    expect(claims.exp - claims.iat).toBe(op.config.ttl.idToken);
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.sid).toBeTruthy();
    expect(claims.at_hash).toBe(tokenHash(res.body.access_token, 'RS256'));
    expect(Object.values(claims)).not.toContain(null);
  });

  it('accepts client_secret_post from a client registered for it', async () => {
    const postClient = await createClient(op.repos, { metadata: { token_endpoint_auth_method: 'client_secret_post' } });
    const { code, verifier } = await codeFor({}, postClient);
    const res = await request(op.app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: postClient.redirectUris[0]!,
      client_id: postClient.id,
      client_secret: postClient.secret!,
    });
    expect(res.status).toBe(200);
    expect(decodeJwtUnverified(res.body.id_token).payload.aud).toBe(postClient.id);
  });

  it('leaves nonce out of the ID token when the request had none', async () => {
    const { code, verifier } = await codeFor({ nonce: '' });
    const res = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(decodeJwtUnverified(res.body.id_token).payload).not.toHaveProperty('nonce');
  });
});

describe('a code works once', () => {
  it('refuses a second exchange and revokes the tokens of the first', async () => {
    const { code, verifier } = await codeFor();
    const first = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(first.status).toBe(200);
    const before = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${first.body.access_token}`);
    expect(before.status).toBe(200);

    const second = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');

    const after = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${first.body.access_token}`);
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('lets exactly one of two concurrent exchanges win', async () => {
    const { code, verifier } = await codeFor();
    const results = await Promise.all([
      exchangeCode(op.app, client, { code, code_verifier: verifier }),
      exchangeCode(op.app, client, { code, code_verifier: verifier }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });
});

describe('invalid_grant', () => {
  it.each([
    ['a wrong code_verifier', (v: string) => ({ code_verifier: v.replace(/.$/, v.endsWith('A') ? 'B' : 'A') })],
    ['a missing code_verifier', () => ({ code_verifier: '' })],
    ['a different redirect_uri', () => ({ redirect_uri: 'https://rp.test/other' })],
  ])('for %s', async (_name, change) => {
    const { code, verifier } = await codeFor();
    const form = { code, code_verifier: verifier, ...change(verifier) };
    const res = await exchangeCode(op.app, client, form);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(form.code_verifier === '' ? 'invalid_request' : 'invalid_grant');
  });

  it('for an unknown code', async () => {
    const res = await exchangeCode(op.app, client, { code: 'not-a-code', code_verifier: 'x'.repeat(43) });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('for an expired code', async () => {
    const { code, verifier } = await codeFor();
    op.clock.advance(op.config.ttl.code + 1);
    const res = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(res.body.error).toBe('invalid_grant');
  });

  it('for a code issued to another client', async () => {
    const other = await createClient(op.repos);
    const { code, verifier } = await codeFor();
    const res = await exchangeCode(op.app, other, { code, code_verifier: verifier, redirect_uri: client.redirectUris[0]! });
    expect(res.body.error).toBe('invalid_grant');
    // and the rightful client can still use it
    const rightful = await exchangeCode(op.app, client, { code, code_verifier: verifier });
    expect(rightful.status).toBe(200);
  });
});

describe('client authentication', () => {
  it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic({ ...client, secret: 'wrong' }))
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y', redirect_uri: 'z' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('refuses a method the client did not register', async () => {
    const res = await request(op.app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      client_id: client.id,
      client_secret: client.secret!,
      code: 'x',
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses credentials sent two ways', async () => {
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic(client))
      .type('form')
      .send({ grant_type: 'authorization_code', client_secret: client.secret! });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses an anonymous request', async () => {
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'authorization_code' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

describe('request shape', () => {
  it('answers an unsupported grant_type', async () => {
    const res = await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'urn:nope' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });

  it('answers JSON bodies with invalid_request, not a 500', async () => {
    const res = await request(op.app).post('/token').set('Authorization', basic(client)).send({ grant_type: 'authorization_code' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('answers a malformed form body with a spec-shaped error', async () => {
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic(client))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('grant_type=authorization_code&code=%E0%A4%A');
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toBeTruthy();
  });
});

describe('what the exchange returns', () => {
  it('returns no ID token for a code without the openid scope (OIDC Core §3.1.3.3)', async () => {
    const { tokens } = await grantFor(op, client, user, { scope: 'email' });
    expect(tokens).not.toHaveProperty('id_token');
    expect(tokens.scope).toBe('email');
  });

  it('returns no refresh token to a client not registered for the refresh_token grant', async () => {
    const { tokens } = await grantFor(op, client, user);
    expect(tokens).not.toHaveProperty('refresh_token');
    expect(tokens.id_token).toBeTruthy();
  });
});
