import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos);
  user = await createUser(op.repos, { name: 'Dana Doe' });
});
afterAll(() => op.dispose());

async function accessToken(scope: string) {
  const { query, verifier } = authorizeQuery(client, { scope });
  const { params } = await signIn(browser(op.app), query, user.email);
  const res = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
  return res.body.access_token as string;
}

it('returns the claims of the granted scopes, by header (GET) and by form body (POST)', async () => {
  const token = await accessToken('openid email profile');
  const get = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);
  expect(get.status).toBe(200);
  expect(get.body).toEqual({
    sub: user.id,
    name: 'Dana Doe',
    email: user.email,
    email_verified: true,
    tenant: 'personal',
    tenant_name: 'Personal',
  });
  const post = await request(op.app).post('/userinfo').type('form').send({ access_token: token });
  expect(post.body).toEqual(get.body);
});

it('releases only what the scopes allow', async () => {
  const token = await accessToken('openid');
  const res = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);
  expect(res.body).toEqual({ sub: user.id, tenant: 'personal', tenant_name: 'Personal' });
});

it('challenges a request without a token (RFC 6750 §3)', async () => {
  const res = await request(op.app).get('/userinfo');
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="userinfo"');
});

it('answers an unknown token with invalid_token', async () => {
  const res = await request(op.app).get('/userinfo').set('Authorization', 'Bearer nope');
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  expect(res.body.error).toBe('invalid_token');
});

it('answers an expired token with invalid_token', async () => {
  const token = await accessToken('openid');
  op.clock.advance(op.config.ttl.accessToken + 1);
  const res = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(401);
});

it('refuses a token sent two ways', async () => {
  const res = await request(op.app).post('/userinfo').set('Authorization', 'Bearer a').type('form').send({ access_token: 'b' });
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_request');
});
