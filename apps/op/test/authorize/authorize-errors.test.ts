import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, redirectParams } from '../helpers/browser.js';
import { createClient } from '../helpers/factories.js';

let op: TestOp;
let client: ClientRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos);
});
afterAll(() => op.dispose());

async function authorize(query: Record<string, string>) {
  return request(op.app).get('/authorize').query(query);
}

describe('errors rendered as a page, never redirected', () => {
  it.each([
    ['an unknown client', { client_id: 'no-such-client' }, 'invalid_client'],
    ['a missing client_id', { client_id: '' }, 'invalid_request'],
    ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.test/callback' }, 'invalid_redirect_uri'],
    ['a redirect_uri that only differs by a trailing slash', { redirect_uri: 'https://rp.test/callback/' }, 'invalid_redirect_uri'],
    ['a missing redirect_uri', { redirect_uri: '' }, 'invalid_redirect_uri'],
  ])('%s', async (_name, override, code) => {
    const { query } = authorizeQuery(client, override);
    const res = await authorize(query);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain(code);
  });

  it('an unsupported response_mode gets a 400 without redirect', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'web_message' });
    const res = await authorize(query);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('escapes what it echoes', async () => {
    const res = await authorize({ client_id: '<script>alert(1)</script>' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;');
  });
});

describe('errors redirected to the client with state and iss', () => {
  it.each([
    ['a missing PKCE challenge', { code_challenge: '' }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a malformed PKCE challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['an unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
    ['a missing response_type', { response_type: '' }, 'invalid_request'],
    ['a missing openid scope', { scope: 'email profile' }, 'invalid_scope'],
    ['prompt=none with another prompt', { prompt: 'none login' }, 'invalid_request'],
    ['a malformed max_age', { max_age: '-5' }, 'invalid_request'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    ['a request_uri', { request_uri: 'https://rp.test/request.jwt' }, 'request_uri_not_supported'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
    ['an id_token_hint the OP never issued', { id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, 'invalid_request'],
  ])('%s', async (_name, override, code) => {
    const { query } = authorizeQuery(client, override);
    const res = await authorize(query);
    expect(res.status).toBe(303);
    const location = res.headers.location as string;
    expect(location.startsWith('https://rp.test/callback?')).toBe(true);
    const params = redirectParams(location);
    expect(params.get('error')).toBe(code);
    expect(params.get('error_description')).toBeTruthy();
    expect(params.get('state')).toBe('state-123');
    expect(params.get('iss')).toBe(ISSUER);
    expect(params.get('code')).toBeNull();
  });

  it('rejects repeated parameters', async () => {
    const { query } = authorizeQuery(client);
    const qs = new URLSearchParams(query).toString() + '&scope=openid';
    const res = await request(op.app).get(`/authorize?${qs}`);
    expect(res.status).toBe(303);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('invalid_request');
  });

  it('uses the fragment when response_mode=fragment', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'fragment', code_challenge: '' });
    const res = await authorize(query);
    const url = new URL(res.headers.location as string);
    expect(url.search).toBe('');
    expect(new URLSearchParams(url.hash.slice(1)).get('error')).toBe('invalid_request');
  });

  it('answers a client not allowed the response type with unauthorized_client', async () => {
    const restricted = await createClient(op.repos, { metadata: { response_types: ['id_token'], grant_types: ['implicit'] } });
    const { query } = authorizeQuery(restricted);
    const res = await authorize(query);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('unauthorized_client');
  });

  it('accepts POST as well as GET', async () => {
    const { query } = authorizeQuery(client, { code_challenge: '' });
    const res = await request(op.app).post('/authorize').type('form').send(query);
    expect(res.status).toBe(303);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('invalid_request');
  });
});

describe('a valid request', () => {
  it('sends the user to the login page, with no-store and framing forbidden', async () => {
    const { query } = authorizeQuery(client);
    const res = await authorize(query);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/interaction\/[\w-]+$/);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
