import request from 'supertest';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery } from '../helpers/browser.js';
import { createClient } from '../helpers/factories.js';
import { createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let client: ClientRecord;
let codeOnly: ClientRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createFrontChannelClient(op.repos);
  codeOnly = await createClient(op.repos);
});
afterAll(() => op.dispose());

async function authorize(query: Record<string, string>) {
  return request(op.app).get('/authorize').query(query);
}

function expectRendered(res: request.Response, code: string) {
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).not.toContain('<form method="post" action="https://rp.test');
  expect(res.text).toContain(code);
}

function expectDelivered(res: request.Response, code: string, mode: 'query' | 'fragment' | 'form_post') {
  const delivered = readAuthorizationResponse(res);
  expect(delivered.mode).toBe(mode);
  expect(delivered.target).toBe('https://rp.test/callback');
  expect(delivered.params.get('error')).toBe(code);
  expect(delivered.params.get('error_description')).toBeTruthy();
  expect(delivered.params.get('state')).toBe('state-123');
  expect(delivered.params.get('iss')).toBe(ISSUER);
  for (const token of ['code', 'access_token', 'id_token']) expect(delivered.params.get(token)).toBeNull();
}

describe('errors rendered as a page, never redirected', () => {
  it.each([
    ['an unknown client', { client_id: 'no-such-client' }, 'invalid_client'],
    ['a missing client_id', { client_id: '' }, 'invalid_request'],
    ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.test/callback' }, 'invalid_redirect_uri'],
    ['a redirect_uri that only differs by a trailing slash', { redirect_uri: 'https://rp.test/callback/' }, 'invalid_redirect_uri'],
    ['a missing redirect_uri', { redirect_uri: '' }, 'invalid_redirect_uri'],
    ['an unregistered redirect_uri with an otherwise broken request', { redirect_uri: 'https://attacker.test/cb', response_type: 'x' }, 'invalid_redirect_uri'],
  ])('%s', async (_name, override, code) => {
    const { query } = authorizeQuery(client, override);
    expectRendered(await authorize(query), code);
  });

  it.each([['client_id'], ['redirect_uri']])('a repeated %s', async (name) => {
    const { query } = authorizeQuery(client);
    const res = await request(op.app).get(`/authorize?${new URLSearchParams(query).toString()}&${name}=${encodeURIComponent(query[name]!)}`);
    expectRendered(res, 'invalid_request');
  });

  it('an unsupported response_mode gets a plain 400 without redirect or error parameters', async () => {
    const { query } = authorizeQuery(client, { response_mode: 'web_message' });
    const res = await authorize(query);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain('<form method="post"');
  });

  it('escapes what it echoes', async () => {
    const res = await authorize({ client_id: '<script>alert(1)</script>' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;');
  });
});

describe('errors delivered to the client with state and iss', () => {
  it.each([
    ['a missing PKCE challenge', { code_challenge: '' }, 'invalid_request', 'query'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request', 'query'],
    ['a malformed PKCE challenge', { code_challenge: 'short' }, 'invalid_request', 'query'],
    ['a missing PKCE challenge in a hybrid request', { response_type: 'code id_token', code_challenge: '' }, 'invalid_request', 'fragment'],
    ['an unknown response_type', { response_type: 'banana' }, 'unsupported_response_type', 'query'],
    ['the OAuth-only response_type token', { response_type: 'token' }, 'unsupported_response_type', 'fragment'],
    ['a response_type with a doubled separator', { response_type: 'code  id_token' }, 'unsupported_response_type', 'fragment'],
    ['a missing response_type', { response_type: '' }, 'invalid_request', 'query'],
    ['a missing openid scope', { scope: 'email profile' }, 'invalid_scope', 'query'],
    ['prompt=none with another prompt', { prompt: 'none login' }, 'invalid_request', 'query'],
    ['a malformed max_age', { max_age: '-5' }, 'invalid_request', 'query'],
    ['a request_uri', { request_uri: 'https://rp.test/request.jwt' }, 'request_uri_not_supported', 'query'],
    ['request together with request_uri', { request: 'a.b.c', request_uri: 'https://rp.test/r' }, 'invalid_request', 'query'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required', 'query'],
    ['an id_token_hint the OP never issued', { id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, 'invalid_request', 'query'],
    ['claims that are not JSON', { claims: '{"id_token":' }, 'invalid_request', 'query'],
    ['claims of the wrong shape', { claims: '{"id_token":{"email":true}}' }, 'invalid_request', 'query'],
    ['an essential acr the OP cannot meet', { claims: '{"id_token":{"acr":{"essential":true,"values":["urn:x:mfa"]}}}' }, 'unmet_authentication_requirements', 'query'],
    ['id_token without nonce', { response_type: 'id_token', nonce: '' }, 'invalid_request', 'fragment'],
    ['id_token token without nonce', { response_type: 'id_token token', nonce: '' }, 'invalid_request', 'fragment'],
    ['code id_token without nonce', { response_type: 'code id_token', nonce: '' }, 'invalid_request', 'fragment'],
    ['code id_token token without nonce', { response_type: 'code id_token token', nonce: '' }, 'invalid_request', 'fragment'],
    ['response_mode=query with an ID token (sent in the default fragment)', { response_type: 'id_token', response_mode: 'query' }, 'invalid_request', 'fragment'],
    ['response_mode=query with an access token', { response_type: 'code token', response_mode: 'query' }, 'invalid_request', 'fragment'],
    ['claims.userinfo with response_type=id_token', { response_type: 'id_token', claims: '{"userinfo":{"email":null}}' }, 'invalid_request', 'fragment'],
    ['an error in form_post mode', { code_challenge: '', response_mode: 'form_post' }, 'invalid_request', 'form_post'],
    ['fragment mode for a code request', { code_challenge: '', response_mode: 'fragment' }, 'invalid_request', 'fragment'],
  ] as const)('%s', async (_name, override, code, mode) => {
    const { query } = authorizeQuery(client, override);
    expectDelivered(await authorize(query), code, mode);
  });

  it('rejects repeated parameters', async () => {
    const { query } = authorizeQuery(client);
    const res = await request(op.app).get(`/authorize?${new URLSearchParams(query).toString()}&scope=openid`);
    expect(res.status).toBe(303);
    expect(readAuthorizationResponse(res).params.get('error')).toBe('invalid_request');
  });

  it('answers a client not allowed the response type with unauthorized_client', async () => {
    const { query } = authorizeQuery(codeOnly, { response_type: 'id_token' });
    const res = await authorize(query);
    const delivered = readAuthorizationResponse(res);
    expect(delivered.mode).toBe('fragment');
    expect(delivered.params.get('error')).toBe('unauthorized_client');
    const restricted = await createClient(op.repos, { metadata: { response_types: ['id_token'], grant_types: ['implicit'] } });
    expect(readAuthorizationResponse(await authorize(authorizeQuery(restricted).query)).params.get('error')).toBe('unauthorized_client');
  });

  it('refuses a scope the client did not register with invalid_scope', async () => {
    const limited = await createFrontChannelClient(op.repos, { metadata: { scope: 'openid email' } as never });
    expectDelivered(await authorize(authorizeQuery(limited, { scope: 'openid email profile' }).query), 'invalid_scope', 'query');
    expect((await authorize(authorizeQuery(limited, { scope: 'openid email' }).query)).headers.location).toMatch(/^\/interaction\//);
  });

  it('refuses implicit responses to a plain-http redirect_uri', async () => {
    const http = await createFrontChannelClient(op.repos, { metadata: { redirect_uris: ['http://rp.test/callback'] } });
    const res = await authorize(authorizeQuery(http, { response_type: 'id_token' }).query);
    const delivered = readAuthorizationResponse(res);
    expect(delivered.params.get('error')).toBe('invalid_request');
    expect(delivered.params.get('id_token')).toBeNull();
  });

  it('accepts POST as well as GET', async () => {
    const { query } = authorizeQuery(client, { code_challenge: '' });
    const res = await request(op.app).post('/authorize').type('form').send(query);
    expectDelivered(res, 'invalid_request', 'query');
  });

  it('leaves state out when none was sent', async () => {
    const { query } = authorizeQuery(client, { code_challenge: '', state: '' });
    const delivered = readAuthorizationResponse(await authorize(query));
    expect(delivered.params.has('state')).toBe(false);
    expect(delivered.params.get('iss')).toBe(ISSUER);
  });
});

describe('validation order (checklist §3)', () => {
  it.each([
    ['response_type before scope', { response_type: 'banana', scope: 'email' }, 'unsupported_response_type'],
    ['scope before nonce', { response_type: 'id_token', scope: 'email', nonce: '' }, 'invalid_scope'],
    ['nonce before an unmet essential acr', { response_type: 'id_token', nonce: '', claims: '{"id_token":{"acr":{"essential":true,"value":"urn:x"}}}' }, 'invalid_request'],
    ['PKCE before an unmet essential acr', { code_challenge: '', claims: '{"id_token":{"acr":{"essential":true,"value":"urn:x"}}}' }, 'invalid_request'],
    ['request_uri before response_type', { request_uri: 'https://rp.test/r', response_type: 'banana' }, 'request_uri_not_supported'],
    ['malformed parameters before the session (prompt=none)', { prompt: 'none', max_age: 'x' }, 'invalid_request'],
  ])('%s', async (_name, override, code) => {
    const { query } = authorizeQuery(client, override);
    expect(readAuthorizationResponse(await authorize(query)).params.get('error')).toBe(code);
  });
});

describe('a valid request', () => {
  it('sends the user to the login page, with no-store', async () => {
    const { query } = authorizeQuery(client);
    const res = await authorize(query);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/interaction\/[\w-]+$/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([['display', 'popup'], ['display', 'unknown-value'], ['ui_locales', 'xx-YY fr'], ['claims_locales', 'de']])(
    'accepts and ignores %s=%s',
    async (name, value) => {
      const res = await authorize(authorizeQuery(client, { [name]: value }).query);
      expect(res.headers.location).toMatch(/^\/interaction\//);
    },
  );
});
