import request from 'supertest';
import { KeySet, decodeJwtUnverified, generateSigningKey, sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { basic } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { grantFor, refresh, userinfoStatus } from '../token/code-fixture.js';

let op: TestOp;
let user: UserRecord;
let rp: ClientRecord;
let jwtRp: ClientRecord;
let other: ClientRecord;
let machine: ClientRecord;

const codeClient = (metadata: ClientMetadataInput = {}) =>
  createClient(op.repos, { metadata: { grant_types: ['authorization_code', 'refresh_token'], ...metadata } });

beforeAll(async () => {
  op = await bootstrap();
  user = await createUser(op.repos);
  rp = await codeClient();
  jwtRp = await codeClient({ access_token_format: 'jwt' });
  other = await codeClient();
  machine = await createClient(op.repos, {
    metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
  });
});
afterAll(() => op.dispose());

const revoke = (caller: ClientRecord, form: Record<string, string>) =>
  request(op.app).post('/revoke').set('Authorization', basic(caller)).type('form').send(form);
const introspect = async (caller: ClientRecord, token: string) =>
  (await request(op.app).post('/introspect').set('Authorization', basic(caller)).type('form').send({ token })).body as { active: boolean };
const ccToken = async (client: ClientRecord) =>
  (await request(op.app).post('/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' })).body
    .access_token as string;

function expectEmpty200(res: request.Response) {
  expect(res.status).toBe(200);
  expect(res.text).toBe('');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('revoking a refresh token', () => {
  it('answers 200 with an empty body and revokes the whole family, access tokens included', async () => {
    const grant = await grantFor(op, rp, user);
    expectEmpty200(await revoke(rp, { token: grant.tokens.refresh_token!, token_type_hint: 'refresh_token' }));
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
    const used = await refresh(op.app, rp, grant.tokens.refresh_token!);
    expect(used.status).toBe(400);
    expect(used.body.error).toBe('invalid_grant');
  });

  it('also ends the family when the token was already rotated', async () => {
    const grant = await grantFor(op, rp, user);
    const next = await refresh(op.app, rp, grant.tokens.refresh_token!);
    expectEmpty200(await revoke(rp, { token: grant.tokens.refresh_token! }));
    expect(await userinfoStatus(op.app, next.body.access_token as string)).toBe(401);
    expect((await refresh(op.app, rp, next.body.refresh_token as string)).status).toBe(400);
  });
});

describe('revoking an access token', () => {
  it('of a user grant (opaque) revokes the grant: the token and its refresh token', async () => {
    const grant = await grantFor(op, rp, user);
    expectEmpty200(await revoke(rp, { token: grant.tokens.access_token }));
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
    expect((await refresh(op.app, rp, grant.tokens.refresh_token!)).status).toBe(400);
  });

  it('a user JWT: UserInfo and introspection refuse it at once', async () => {
    const grant = await grantFor(op, jwtRp, user);
    expect((await introspect(jwtRp, grant.tokens.access_token)).active).toBe(true);
    expectEmpty200(await revoke(jwtRp, { token: grant.tokens.access_token, token_type_hint: 'access_token' }));
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
    expect(await introspect(jwtRp, grant.tokens.access_token)).toEqual({ active: false });
    expect((await refresh(op.app, jwtRp, grant.tokens.refresh_token!)).status).toBe(400);
  });

  it('a client_credentials JWT (never stored): its jti is denied until it expires; revoking again changes nothing', async () => {
    const token = await ccToken(machine);
    const { jti, exp } = decodeJwtUnverified(token).payload as { jti: string; exp: number };
    const sibling = await ccToken(machine);
    expectEmpty200(await revoke(machine, { token }));
    expect(await introspect(machine, token)).toEqual({ active: false });
    expect((await introspect(machine, sibling)).active).toBe(true);
    expect(await op.repos.accessTokens.findById(jti)).toMatchObject({ clientId: machine.id, userId: null, expiresAt: new Date(exp * 1000) });
    expectEmpty200(await revoke(machine, { token }));
  });

  it('an opaque client_credentials token: that token only', async () => {
    const client = await createClient(op.repos, {
      metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], access_token_format: 'opaque' },
    });
    const [first, second] = [await ccToken(client), await ccToken(client)];
    expectEmpty200(await revoke(client, { token: first }));
    expect(await introspect(client, first)).toEqual({ active: false });
    expect((await introspect(client, second)).active).toBe(true);
  });
});

describe('tokens that are not the caller’s to revoke: 200, nothing happens', () => {
  it('another client’s access and refresh tokens', async () => {
    const grant = await grantFor(op, rp, user);
    expectEmpty200(await revoke(other, { token: grant.tokens.access_token }));
    expectEmpty200(await revoke(other, { token: grant.tokens.refresh_token! }));
    expectEmpty200(await revoke(other, { token: await ccToken(machine) }));
    expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(200);
    expect((await refresh(op.app, rp, grant.tokens.refresh_token!)).status).toBe(200);
  });

  it('unknown, malformed, or signed by someone else', async () => {
    const stranger = await KeySet.load([await generateSigningKey('ES256')]);
    const foreign = await stranger.sign({ iss: 'https://elsewhere', sub: 'x', client_id: rp.id, jti: 'j' }, { typ: 'at+jwt' });
    for (const token of ['unknown', 'a.b.c', foreign]) expectEmpty200(await revoke(rp, { token }));
  });

  it('an expired access token', async () => {
    const grant = await grantFor(op, rp, user);
    op.clock.advance(op.config.ttl.accessToken + 1);
    expectEmpty200(await revoke(rp, { token: grant.tokens.access_token }));
    // The grant was not revoked: its refresh token still works.
    expect((await refresh(op.app, rp, grant.tokens.refresh_token!)).status).toBe(200);
  });
});

describe('the hint', () => {
  it('is only an optimisation: a wrong or unknown hint still finds the token', async () => {
    for (const hint of ['refresh_token', 'id_token', 'bogus']) {
      const grant = await grantFor(op, rp, user);
      expectEmpty200(await revoke(rp, { token: grant.tokens.access_token, token_type_hint: hint }));
      expect(await userinfoStatus(op.app, grant.tokens.access_token)).toBe(401);
    }
  });
});

describe('errors', () => {
  it('unsupported_token_type for an ID token: a JWT of this OP that is not an access token', async () => {
    const grant = await grantFor(op, rp, user);
    const res = await revoke(rp, { token: grant.tokens.id_token! });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_token_type');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('invalid_request without token', async () => {
    const res = await revoke(rp, {});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('401 invalid_client without client authentication, or with a wrong secret', async () => {
    const anonymous = await request(op.app).post('/revoke').type('form').send({ token: 'x' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const wrong = await revoke({ ...rp, secret: 'nope' }, { token: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="token"');
  });

  it('405 for other methods, 400 for a non-form body', async () => {
    const get = await request(op.app).get('/revoke');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST, OPTIONS');
    const json = await request(op.app).post('/revoke').set('Authorization', basic(rp)).send({ token: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
  });
});

describe('public clients and browsers', () => {
  it('a public client revokes its own refresh token with its client_id (RFC 7009 §2.1)', async () => {
    const pub = await createClient(op.repos, {
      secret: null,
      metadata: { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
    });
    const { query, verifier } = authorizeQuery(pub);
    const { params } = await signIn(browser(op.app), query, user.email);
    const tokens = await request(op.app).post('/token').type('form').send({
      grant_type: 'authorization_code',
      client_id: pub.id,
      code: params.get('code')!,
      redirect_uri: pub.redirectUris[0]!,
      code_verifier: verifier,
    });
    const refreshToken = tokens.body.refresh_token as string;
    const res = await request(op.app).post('/revoke').type('form').send({ token: refreshToken, client_id: pub.id });
    expectEmpty200(res);
    expect(await op.repos.refreshTokens.findById(sha256Base64Url(refreshToken))).toMatchObject({ revokedAt: expect.any(Date) });
  });

  it('answers CORS: a preflight, and the header on responses', async () => {
    const preflight = await request(op.app).options('/revoke').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const res = await revoke(rp, { token: 'x' }).set('Origin', 'https://spa.example');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
