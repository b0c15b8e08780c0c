import request from 'supertest';
import type { Express } from 'express';
import type { SigningAlg } from '@oidc-ref/crypto';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { clientKeys } from '../../src/services/client-keys.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { basic } from '../helpers/exchange.js';
import { createClient } from '../helpers/factories.js';
import {
  ASSERTION_TYPE,
  assertionClaims,
  clientKey,
  signWithKey,
  signWithSecret,
  tokenWithAssertion,
  type ClientKey,
} from './assertions.js';

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

const now = () => op.clock.now;
const SECRET = 'a-long-client-secret-for-client-secret-jwt-0123456789';

/** A client that may use client_credentials, registered with `method`. */
function ccClient(metadata: Record<string, unknown>, secret: string | null = SECRET): Promise<ClientRecord> {
  return createClient(op.repos, {
    secret,
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read', ...metadata },
  });
}

/** Every invalid_client looks the same: 401, no-store, one description, no hint at the cause. */
function expectInvalidClient(res: request.Response, { basicChallenge = false } = {}) {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  if (basicChallenge) expect(res.headers['www-authenticate']).toBe('Basic realm="token"');
  else expect(res.headers['www-authenticate']).toBeUndefined();
}

describe('client_secret_basic', () => {
  it('authenticates a client registered for it', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
  });

  it('answers a wrong secret with 401 and a Basic challenge (the header was used)', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic({ ...client, secret: `${SECRET}x` }))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expectInvalidClient(res, { basicChallenge: true });
  });

  it('answers an unknown client exactly like a wrong secret', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic({ ...client, id: 'no-such-client' }))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expectInvalidClient(res, { basicChallenge: true });
  });

  it('refuses a client_id in the body that names another client', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app)
      .post('/token')
      .set('Authorization', basic(client))
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'someone-else' });
    expectInvalidClient(res, { basicChallenge: true });
  });
});

describe('client_secret_post', () => {
  it('authenticates a client registered for it', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_post' });
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: SECRET });
    expect(res.status).toBe(200);
  });

  it('answers a wrong secret with 401 and no Basic challenge (the header was not used)', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_post' });
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: 'wrong' });
    expectInvalidClient(res);
  });
});

describe('the method must be the registered one', () => {
  it('refuses client_secret_post from a client_secret_basic client', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: SECRET });
    expectInvalidClient(res);
  });

  it('refuses client_secret_basic from a private_key_jwt client', async () => {
    const key = await clientKey('ES256');
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const res = await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' });
    expectInvalidClient(res, { basicChallenge: true });
  });

  it('refuses a client_secret_jwt assertion from a client_secret_basic client', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await tokenWithAssertion(op.app, await signWithSecret(SECRET, assertionClaims(client.id, now())));
    expectInvalidClient(res);
  });

  it('refuses a private_key_jwt assertion from a client_secret_jwt client', async () => {
    const key = await clientKey('ES256');
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_jwt', jwks: { keys: [key.publicJwk] } });
    const res = await tokenWithAssertion(op.app, await signWithKey(key, assertionClaims(client.id, now())));
    expectInvalidClient(res);
  });

  it('refuses client_id alone (none) from a confidential client', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.id });
    expectInvalidClient(res);
  });

  it('refuses a secret from a public client (none)', async () => {
    const client = await createClient(op.repos, { secret: null, metadata: { token_endpoint_auth_method: 'none' } });
    const res = await request(op.app)
      .post('/token')
      .type('form')
      .send({ grant_type: 'authorization_code', client_id: client.id, client_secret: 'anything', code: 'x', code_verifier: 'y', redirect_uri: 'z' });
    expectInvalidClient(res);
  });
});

describe('exactly one method per request', () => {
  it.each([
    ['Basic and client_secret', (c: ClientRecord) => ({ header: basic(c), form: { client_secret: SECRET } })],
    [
      'Basic and a client assertion',
      (c: ClientRecord) => ({ header: basic(c), form: { client_assertion_type: ASSERTION_TYPE, client_assertion: 'a.b.c' } }),
    ],
    [
      'client_secret and a client assertion',
      (c: ClientRecord) => ({
        header: undefined,
        form: { client_id: c.id, client_secret: SECRET, client_assertion_type: ASSERTION_TYPE, client_assertion: 'a.b.c' },
      }),
    ],
  ])('answers %s with 400 invalid_request', async (_name, build) => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const { header, form } = build(client);
    const req = request(op.app).post('/token').type('form');
    if (header) req.set('Authorization', header);
    const res = await req.send({ grant_type: 'client_credentials', ...form });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a request with no client authentication at all with 401 invalid_client', async () => {
    const res = await request(op.app).post('/token').type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

describe('client_secret_jwt', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('accepts an assertion signed with the client secret (%s)', async (alg) => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const res = await tokenWithAssertion(op.app, await signWithSecret(SECRET, assertionClaims(client.id, now()), alg));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('accepts a client_id parameter naming the same client', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const res = await tokenWithAssertion(op.app, await signWithSecret(SECRET, assertionClaims(client.id, now())), { client_id: client.id });
    expect(res.status).toBe(200);
  });

  it('refuses an assertion signed with another secret', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const res = await tokenWithAssertion(op.app, await signWithSecret(`${SECRET}-not`, assertionClaims(client.id, now())));
    expectInvalidClient(res);
  });

  it('refuses an HMAC alg other than the registered token_endpoint_auth_signing_alg', async () => {
    const client = await ccClient({ token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS512' });
    const res = await tokenWithAssertion(op.app, await signWithSecret(SECRET, assertionClaims(client.id, now()), 'HS256'));
    expectInvalidClient(res);
  });
});

describe('private_key_jwt with registered jwks', () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as SigningAlg[])('accepts an assertion signed with the client key (%s)', async (alg) => {
    const key = await clientKey(alg);
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, null);
    const res = await tokenWithAssertion(op.app, await signWithKey(key, assertionClaims(client.id, now())));
    expect(res.status).toBe(200);
  });

  describe('refuses with the same 401 invalid_client', () => {
    let key: ClientKey;
    let client: ClientRecord;
    beforeAll(async () => {
      key = await clientKey('ES256');
      client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, null);
    });
    const claims = (overrides: Record<string, unknown> = {}) => assertionClaims(client.id, now(), overrides);
    const nowSeconds = () => Math.floor(now().getTime() / 1000);

    it('a wrong client_assertion_type', async () => {
      const res = await tokenWithAssertion(op.app, await signWithKey(key, claims()), {
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
      });
      expectInvalidClient(res);
    });
    it('an iss that is not the client', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ iss: 'someone-else' }))));
    });
    it('a sub that is not the client', async () => {
      const res = await tokenWithAssertion(op.app, await signWithKey(key, claims({ sub: 'someone-else' })), { client_id: client.id });
      expectInvalidClient(res);
    });
    it('a client_id parameter naming another client', async () => {
      const other = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, null);
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims()), { client_id: other.id }));
    });
    it('an aud that is the token endpoint URL', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ aud: `${ISSUER}/token` }))));
    });
    it('an aud array with the issuer and another audience', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ aud: [ISSUER, 'https://other.example'] }))));
    });
    it('an expired assertion', async () => {
      const res = await tokenWithAssertion(op.app, await signWithKey(key, claims({ iat: nowSeconds() - 600, exp: nowSeconds() - 60 })));
      expectInvalidClient(res);
    });
    it('an exp more than five minutes ahead', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ exp: nowSeconds() + 3600 }))));
    });
    it('a missing exp', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ exp: undefined }))));
    });
    it('a missing jti', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ jti: undefined }))));
    });
    it('a replayed jti (the first use succeeds)', async () => {
      const assertion = await signWithKey(key, claims());
      expect((await tokenWithAssertion(op.app, assertion)).status).toBe(200);
      expectInvalidClient(await tokenWithAssertion(op.app, assertion));
      // a new assertion reusing the jti is a replay too
      const { jti } = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as { jti: string };
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, claims({ jti }))));
    });
    it('alg none', async () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      expectInvalidClient(await tokenWithAssertion(op.app, `${part({ alg: 'none' })}.${part(claims())}.`));
    });
    it('an HS256 assertion signed with the public key as secret (alg confusion)', async () => {
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithSecret(JSON.stringify(key.publicJwk), claims())));
    });
    it('a bad signature', async () => {
      const [header, , signature] = (await signWithKey(key, claims())).split('.') as [string, string, string];
      const tampered = Buffer.from(JSON.stringify({ ...claims(), extra: true })).toString('base64url');
      expectInvalidClient(await tokenWithAssertion(op.app, `${header}.${tampered}.${signature}`));
    });
    it('a signature by a key the client did not register', async () => {
      const stranger = await clientKey('ES256');
      expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(stranger, claims())));
    });
  });

  it('refuses an alg other than the registered token_endpoint_auth_signing_alg', async () => {
    const key = await clientKey('ES256');
    const rsa = await clientKey('RS256');
    const client = await ccClient(
      { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [key.publicJwk, rsa.publicJwk] } },
      null,
    );
    expectInvalidClient(await tokenWithAssertion(op.app, await signWithKey(key, assertionClaims(client.id, now()))));
    expect((await tokenWithAssertion(op.app, await signWithKey(rsa, assertionClaims(client.id, now())))).status).toBe(200);
  });

  it('stores the jti until the assertion expires, and forgets it afterwards', async () => {
    const key = await clientKey('ES256');
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, null);
    const claims = assertionClaims(client.id, now(), { jti: 'remember-me' });
    expect((await tokenWithAssertion(op.app, await signWithKey(key, claims))).status).toBe(200);
    const row = await op.db.clientAssertionJti.findUnique({ where: { clientId_jti: { clientId: client.id, jti: 'remember-me' } } });
    expect(row?.expiresAt.getTime()).toBe(((claims.exp as number) + 5) * 1000);

    // once it has expired, a later request (more than a minute on) purges it
    op.clock.advance(120);
    expect((await tokenWithAssertion(op.app, await signWithKey(key, assertionClaims(client.id, now())))).status).toBe(200);
    const purged = await op.db.clientAssertionJti.findUnique({ where: { clientId_jti: { clientId: client.id, jti: 'remember-me' } } });
    expect(purged).toBeNull();
  });
});

describe('private_key_jwt with jwks_uri', () => {
  const JWKS_URI = 'https://rp.example/jwks';
  let app: Express;
  let served: Record<string, unknown>[];
  let fetches: string[];

  beforeAll(() => {
    served = [];
    fetches = [];
    const fakeFetch = (async (url: string) => {
      fetches.push(url);
      return new Response(JSON.stringify({ keys: served }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    app = createApp({
      config: op.config,
      repos: op.repos,
      keys: op.keys,
      logger: createLogger('silent'),
      now,
      checkDatabase: async () => true,
      clientKeys: clientKeys({ fetch: fakeFetch, now }),
    });
  });

  it('fetches the client keys and accepts the assertion', async () => {
    const key = await clientKey('ES256');
    served.splice(0, served.length, key.publicJwk);
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI }, null);
    const before = fetches.length;
    const res = await tokenWithAssertion(app, await signWithKey(key, assertionClaims(client.id, now())));
    expect(res.status).toBe(200);
    expect(fetches.length).toBe(before + 1);
  });

  it('refetches once for an unknown kid (the client rotated its key)', async () => {
    const oldKey = await clientKey('ES256');
    served.splice(0, served.length, oldKey.publicJwk);
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${JWKS_URI}?rotating` }, null);
    expect((await tokenWithAssertion(app, await signWithKey(oldKey, assertionClaims(client.id, now())))).status).toBe(200);
    const newKey = await clientKey('ES256');
    served.splice(0, served.length, newKey.publicJwk);
    const before = fetches.length;
    expect((await tokenWithAssertion(app, await signWithKey(newKey, assertionClaims(client.id, now())))).status).toBe(200);
    expect(fetches.length).toBe(before + 1);
  });

  it('answers invalid_client for a kid the client does not publish, after one refetch', async () => {
    const published = await clientKey('ES256');
    served.splice(0, served.length, published.publicJwk);
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${JWKS_URI}?unknown-kid` }, null);
    expect((await tokenWithAssertion(app, await signWithKey(published, assertionClaims(client.id, now())))).status).toBe(200);
    const unpublished = await clientKey('ES256');
    const before = fetches.length;
    expectInvalidClient(await tokenWithAssertion(app, await signWithKey(unpublished, assertionClaims(client.id, now()))));
    expect(fetches.length).toBe(before + 1);
  });

  it('answers invalid_client (never a 500) when the jwks_uri fails', async () => {
    const failing = createApp({
      config: op.config,
      repos: op.repos,
      keys: op.keys,
      logger: createLogger('silent'),
      now,
      checkDatabase: async () => true,
      clientKeys: clientKeys({ fetch: (async () => new Response('oops', { status: 500 })) as unknown as typeof fetch, now }),
    });
    const key = await clientKey('ES256');
    const client = await ccClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${JWKS_URI}?failing` }, null);
    expectInvalidClient(await tokenWithAssertion(failing, await signWithKey(key, assertionClaims(client.id, now()))));
  });
});
