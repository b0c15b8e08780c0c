import request from 'supertest';
import { generateEncryptionKey, generateSigningKey } from '@oidc-ref/crypto';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { basic } from '../helpers/exchange.js';
import { createUser } from '../helpers/factories.js';

const INITIAL_ACCESS_TOKEN = 'iat-0123456789abcdef0123456789abcdef';
const WEB = { redirect_uris: ['https://rp.test/callback'], client_name: 'Registered RP' };

const register = (op: TestOp, body: unknown, headers: Record<string, string> = {}) =>
  request(op.app).post('/register').set(headers).send(body as object);

describe('open registration (the demo)', () => {
  let op: TestOp;
  let user: UserRecord;
  beforeAll(async () => {
    op = await bootstrap({ OP_REGISTRATION: 'open' });
    user = await createUser(op.repos);
  });
  afterAll(() => op.dispose());

  it('registers a confidential web client: 201 with credentials and the full metadata', async () => {
    const res = await register(op, WEB);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    const body = res.body as Record<string, unknown>;
    expect(body.client_id).toMatch(/^[\w-]{22}$/);
    expect(body.client_secret).toMatch(/^[\w-]{64}$/);
    expect(body.client_secret_expires_at).toBe(0);
    expect(body.client_id_issued_at).toBe(Math.floor(op.clock.now.getTime() / 1000));
    expect(body.registration_access_token).toMatch(/^[\w-]{43}$/);
    expect(body.registration_client_uri).toBe(`${ISSUER}/register/${body.client_id as string}`);
    expect(body).toMatchObject({
      redirect_uris: ['https://rp.test/callback'],
      client_name: 'Registered RP',
      response_types: ['code'],
      grant_types: ['authorization_code'],
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      require_auth_time: false,
      backchannel_logout_session_required: false,
      frontchannel_logout_session_required: false,
    });

    const stored = await op.repos.clients.findById(body.client_id as string);
    expect(stored).toMatchObject({ secret: body.client_secret, firstParty: false, redirectUris: ['https://rp.test/callback'] });
  });

  it('gives each registration its own random client_id', async () => {
    const [a, b] = await Promise.all([register(op, WEB), register(op, WEB)]);
    expect(a.body.client_id).not.toBe(b.body.client_id);
    expect(a.body.registration_access_token).not.toBe(b.body.registration_access_token);
  });

  it('ignores client_id, client_secret and unknown members sent by the client', async () => {
    const res = await register(op, { ...WEB, client_id: 'mine', client_secret: 'mine', registration_access_token: 'x', extra: true });
    expect(res.status).toBe(201);
    expect(res.body.client_id).not.toBe('mine');
    expect(res.body.client_secret).not.toBe('mine');
    expect(res.body).not.toHaveProperty('extra');
  });

  it('registers a third-party client that can sign users in (consent is asked)', async () => {
    const { body } = await register(op, WEB);
    const client = (await op.repos.clients.findById(body.client_id))!;
    const agent = browser(op.app);
    const { query, verifier } = authorizeQuery(client);
    const first = await agent.get('/authorize').query(query);
    expect(first.status).toBe(303);
    const { params } = await signIn(agent, query, user.email);
    expect(params.get('code')).toBeTruthy();
    const token = await request(op.app)
      .post('/token')
      .set('Authorization', basic(client))
      .type('form')
      .send({ grant_type: 'authorization_code', code: params.get('code')!, code_verifier: verifier, redirect_uri: WEB.redirect_uris[0]! });
    expect(token.status).toBe(200);
    expect(token.body.id_token).toBeDefined();
    expect(await op.repos.consents.scopesGranted(user.id, client.id)).toEqual(expect.arrayContaining(['openid']));
  });

  it('gives a public client no secret', async () => {
    const res = await register(op, { ...WEB, token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('client_secret');
    expect(res.body).not.toHaveProperty('client_secret_expires_at');
    expect((await op.repos.clients.findById(res.body.client_id))!.secret).toBeNull();
  });

  it('gives a private_key_jwt client no secret, unless it asks for HS256 ID tokens', async () => {
    const key = await generateSigningKey('ES256');
    const pkj = { ...WEB, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } };
    expect((await register(op, pkj)).body).not.toHaveProperty('client_secret');
    const hs = await register(op, { ...pkj, id_token_signed_response_alg: 'HS256' });
    expect(hs.status).toBe(201);
    expect(hs.body.client_secret).toMatch(/^[\w-]{64}$/);
  });

  it('accepts the metadata of logout, commands, step-up and JOSE, and echoes it with defaults', async () => {
    const key = await generateEncryptionKey('ECDH-ES+A256KW');
    const metadata = {
      ...WEB,
      post_logout_redirect_uris: ['https://rp.test/bye'],
      backchannel_logout_uri: 'https://rp.test/backchannel',
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: 'https://rp.test/frontchannel',
      command_endpoint: 'https://rp.test/commands',
      default_acr_values: ['urn:oidc-ref:acr:pwd'],
      default_max_age: 600,
      require_auth_time: true,
      id_token_signed_response_alg: 'ES256',
      id_token_encrypted_response_alg: 'ECDH-ES+A256KW',
      userinfo_signed_response_alg: 'EdDSA',
      userinfo_encrypted_response_alg: 'ECDH-ES+A256KW',
      userinfo_encrypted_response_enc: 'A256GCM',
      jwks: { keys: [key.publicJwk] },
      scope: 'openid email',
    };
    const res = await register(op, metadata);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...metadata, id_token_encrypted_response_enc: 'A128CBC-HS256' });
  });

  it("reads draft 00's commands_uri as command_endpoint", async () => {
    const res = await register(op, { ...WEB, commands_uri: 'https://rp.test/commands' });
    expect(res.status).toBe(201);
    expect(res.body.command_endpoint).toBe('https://rp.test/commands');
    expect(res.body).not.toHaveProperty('commands_uri');
    expect((await op.repos.clients.findById(res.body.client_id))!.metadata.command_endpoint).toBe('https://rp.test/commands');
  });

  it('registers implicit and hybrid clients with the matching grant types', async () => {
    const res = await register(op, {
      ...WEB,
      response_types: ['code id_token', 'id_token token', 'code'],
      grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    });
    expect(res.status).toBe(201);
    expect(res.body.response_types).toEqual(['code id_token', 'id_token token', 'code']);
  });

  it('registers a client_credentials client without a front channel', async () => {
    const res = await register(op, { response_types: [], grant_types: ['client_credentials'], scope: 'api:read' });
    expect(res.status).toBe(201);
    expect(res.body.redirect_uris).toEqual([]);
  });

  describe('refuses bad metadata with a description, as JSON even to a browser', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['no redirect_uris', { client_name: 'x' }, 'invalid_redirect_uri', /redirect_uris is required/],
      ['a fragment', { redirect_uris: ['https://rp.test/cb#x'] }, 'invalid_redirect_uri', /fragment/],
      ['a web client on plain http', { redirect_uris: ['http://rp.test/cb'] }, 'invalid_redirect_uri', /https/],
      ['web + implicit on localhost', { redirect_uris: ['https://localhost/cb'], response_types: ['id_token'], grant_types: ['implicit'] }, 'invalid_redirect_uri', /localhost/],
      ['native on https', { application_type: 'native', redirect_uris: ['https://rp.test/cb'] }, 'invalid_redirect_uri', /native/],
      ['response_types without grant_types', { ...WEB, response_types: ['code id_token'] }, 'invalid_client_metadata', /implicit/],
      ['the password grant', { ...WEB, grant_types: ['authorization_code', 'password'] }, 'invalid_client_metadata', /password/],
      ['jwks and jwks_uri', { ...WEB, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, jwks_uri: 'https://rp.test/jwks' }, 'invalid_client_metadata', /not both/],
      ['a jwks_uri on http off loopback', { ...WEB, jwks_uri: 'http://rp.test/jwks' }, 'invalid_client_metadata', /https/],
      ['private_key_jwt without keys', { ...WEB, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /jwks/],
      ['an _enc without its _alg', { ...WEB, userinfo_encrypted_response_enc: 'A256GCM' }, 'invalid_client_metadata', /needs userinfo_encrypted_response_alg/],
      ['an unsupported alg', { ...WEB, id_token_signed_response_alg: 'RS512' }, 'invalid_client_metadata', /RS512/],
      ['alg none with an implicit response type', { ...WEB, response_types: ['id_token'], grant_types: ['implicit'], id_token_signed_response_alg: 'none' }, 'invalid_client_metadata', /none/],
      ['a public client with client_credentials', { ...WEB, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'client_credentials'] }, 'invalid_client_metadata', /client_credentials/],
      ['a public client with HS256', { ...WEB, token_endpoint_auth_method: 'none', userinfo_signed_response_alg: 'HS256' }, 'invalid_client_metadata', /secret/],
      ['a private key in jwks', { ...WEB, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }] } }, 'invalid_client_metadata', /public keys only/],
      ['a wrong type', { ...WEB, default_max_age: 'soon' }, 'invalid_client_metadata', /default_max_age/],
    ])('%s', async (_label, body, error, description) => {
      const res = await register(op, body, { Accept: 'text/html' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error, error_description: expect.stringMatching(description) });
    });

    it('refuses a body that is not JSON, or not an object', async () => {
      const form = await request(op.app).post('/register').type('form').send({ redirect_uris: 'https://rp.test/cb' });
      expect(form.status).toBe(400);
      expect(form.body.error).toBe('invalid_client_metadata');
      const broken = await request(op.app).post('/register').set('Content-Type', 'application/json').send('{"redirect_uris": [');
      expect(broken.status).toBe(400);
      expect(broken.body.error).toBe('invalid_client_metadata');
      const array = await register(op, ['https://rp.test/cb']);
      expect(array.status).toBe(400);
      expect(array.body.error).toBe('invalid_client_metadata');
    });

    it('stores nothing when it refuses', async () => {
      const before = await op.db.client.count();
      await register(op, { redirect_uris: ['http://rp.test/cb'] });
      expect(await op.db.client.count()).toBe(before);
    });
  });

  describe('RFC 7592 read', () => {
    it('returns the client information for its registration access token', async () => {
      const { body: created } = await register(op, { ...WEB, commands_uri: 'https://rp.test/commands' });
      const res = await request(op.app)
        .get(`/register/${created.client_id}`)
        .set('Authorization', `Bearer ${created.registration_access_token}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const { registration_access_token: _token, ...expected } = created;
      expect(res.body).toEqual(expected);
    });

    it('refuses a wrong token, another client’s token, and no token, with RFC 6750 challenges', async () => {
      const { body: a } = await register(op, WEB);
      const { body: b } = await register(op, WEB);
      const wrong = await request(op.app).get(`/register/${a.client_id}`).set('Authorization', 'Bearer not-the-token');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_token');
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="register", error="invalid_token"');
      const other = await request(op.app).get(`/register/${a.client_id}`).set('Authorization', `Bearer ${b.registration_access_token}`);
      expect(other.status).toBe(401);
      expect(other.body).not.toHaveProperty('client_secret');
      const none = await request(op.app).get(`/register/${a.client_id}`);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="register"');
      const unknown = await request(op.app).get('/register/nobody').set('Authorization', `Bearer ${a.registration_access_token}`);
      expect(unknown.status).toBe(401);
    });
  });

  it('is advertised in discovery', async () => {
    const res = await request(op.app).get('/.well-known/openid-configuration');
    expect(res.body.registration_endpoint).toBe(`${ISSUER}/register`);
  });
});

describe('registration with an initial access token', () => {
  let op: TestOp;
  beforeAll(async () => {
    op = await bootstrap({ OP_REGISTRATION: 'initial_access_token', OP_REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN });
  });
  afterAll(() => op.dispose());

  it('registers with the configured bearer token', async () => {
    const res = await register(op, WEB, { Authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` });
    expect(res.status).toBe(201);
    expect(res.body.client_id).toBeDefined();
  });

  it('refuses no token (bare challenge) and a wrong one (invalid_token), before reading the body', async () => {
    const none = await register(op, WEB);
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_token');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="register"');
    for (const token of [`${INITIAL_ACCESS_TOKEN}x`, INITIAL_ACCESS_TOKEN.slice(0, -1), 'short']) {
      const wrong = await register(op, { bad: 'metadata' }, { Authorization: `Bearer ${token}` });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="register", error="invalid_token"');
    }
    const basicAuth = await register(op, WEB, { Authorization: `Basic ${Buffer.from(`x:${INITIAL_ACCESS_TOKEN}`).toString('base64')}` });
    expect(basicAuth.status).toBe(401);
  });

  it('is advertised in discovery', async () => {
    const res = await request(op.app).get('/.well-known/openid-configuration');
    expect(res.body.registration_endpoint).toBe(`${ISSUER}/register`);
  });
});

describe.each([
  ['disabled', { OP_REGISTRATION: 'disabled', OP_REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN }],
  ['initial_access_token without a token configured', { OP_REGISTRATION: 'initial_access_token' }],
])('registration %s', (_label, env) => {
  let op: TestOp;
  beforeAll(async () => {
    op = await bootstrap(env);
  });
  afterAll(() => op.dispose());

  it('has no registration endpoint: plain JSON 404s, and none advertised', async () => {
    const post = await register(op, WEB, { Authorization: `Bearer ${INITIAL_ACCESS_TOKEN}` });
    expect(post.status).toBe(404);
    expect(post.body.error).toBe('not_found');
    const read = await request(op.app).get('/register/anything').set('Authorization', 'Bearer x');
    expect(read.status).toBe(404);
    const discovery = await request(op.app).get('/.well-known/openid-configuration');
    expect(discovery.body).not.toHaveProperty('registration_endpoint');
  });
});
