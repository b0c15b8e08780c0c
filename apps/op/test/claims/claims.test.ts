import request from 'supertest';
import { sha256Base64Url, verifyJwtWithJwks } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { authorizeAndSignIn, createFrontChannelClient, readAuthorizationResponse } from '../helpers/front-channel.js';

let op: TestOp;
let client: ClientRecord;
let user: UserRecord;
let other: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createFrontChannelClient(op.repos);
  user = await createUser(op.repos, { name: 'Grace Hopper' });
  other = await createUser(op.repos);
});
afterAll(() => op.dispose());

const claims = (value: object) => JSON.stringify(value);

async function idTokenClaims(idToken: string) {
  const jwks = (await request(op.app).get('/jwks')).body;
  return (await verifyJwtWithJwks(idToken, jwks, { issuer: ISSUER, audience: client.id })).payload;
}

async function respond(extra: Record<string, string>, agent = browser(op.app)) {
  const { query, verifier } = authorizeQuery(client, { scope: 'openid', ...extra });
  const res = await authorizeAndSignIn(agent, query, user.email);
  return { params: readAuthorizationResponse(res).params, verifier };
}

describe('the id_token member', () => {
  it('releases requested claims in an implicit ID token beyond the scopes', async () => {
    const { params } = await respond({ response_type: 'id_token', claims: claims({ id_token: { email: { essential: true }, name: null } }) });
    const payload = await idTokenClaims(params.get('id_token')!);
    expect(payload).toMatchObject({ email: user.email, name: 'Grace Hopper' });
    expect(payload).not.toHaveProperty('email_verified');
  });

  it('releases them in a hybrid ID token and stores the request on the code for the token endpoint', async () => {
    const request = { id_token: { email: null, acr: { essential: true, values: ['urn:oidc-ref:acr:pwd'] } }, userinfo: { name: null } };
    const { params } = await respond({ response_type: 'code id_token', claims: claims(request) });
    const payload = await idTokenClaims(params.get('id_token')!);
    expect(payload).toMatchObject({ email: user.email, acr: 'urn:oidc-ref:acr:pwd' });
    expect(payload).not.toHaveProperty('name');
    const code = await op.db.authorizationCode.findUnique({ where: { id: sha256Base64Url(params.get('code')!) } });
    expect(code?.claims).toEqual(request);
  });

  it('stores no claims on a code when none were requested', async () => {
    const { params } = await respond({});
    const code = await op.db.authorizationCode.findUnique({ where: { id: sha256Base64Url(params.get('code')!) } });
    expect(code?.claims).toBeNull();
  });

  it('releases them in the token endpoint ID token, from the request stored on the code', async () => {
    const { params, verifier } = await respond({ claims: claims({ id_token: { email: null }, userinfo: { name: null } }) });
    const res = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
    expect(res.status).toBe(200);
    const payload = await idTokenClaims(res.body.id_token);
    expect(payload).toMatchObject({ email: user.email });
    expect(payload).not.toHaveProperty('name');
  });
});

describe('the userinfo member', () => {
  it('releases requested claims at UserInfo for an access token from the token endpoint', async () => {
    const { params, verifier } = await respond({ claims: claims({ userinfo: { email: null } }) });
    const token = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
    expect(token.status).toBe(200);
    const info = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(info.body).toMatchObject({ sub: user.id, email: user.email });
    expect(info.body).not.toHaveProperty('name');
    expect(await idTokenClaims(token.body.id_token)).not.toHaveProperty('email');
  });

  it('stores the userinfo member with a front-channel access token and honours it at UserInfo', async () => {
    const { params } = await respond({ response_type: 'id_token token', claims: claims({ userinfo: { name: null } }) });
    const accessToken = params.get('access_token')!;
    const row = await op.db.accessToken.findUnique({ where: { id: sha256Base64Url(accessToken) } });
    expect(row?.claims).toEqual({ name: null });
    const info = await request(op.app).get('/userinfo').set('Authorization', `Bearer ${accessToken}`);
    expect(info.body).toMatchObject({ sub: user.id, name: 'Grace Hopper' });
    expect(info.body).not.toHaveProperty('email');
    expect(await idTokenClaims(params.get('id_token')!)).not.toHaveProperty('name');
  });

  it('is refused with response_type=id_token, which issues no access token', async () => {
    const { params } = await respond({ response_type: 'id_token', claims: claims({ userinfo: { email: null } }) });
    expect(params.get('error')).toBe('invalid_request');
  });
});

describe('a requested sub value', () => {
  it('is served silently for the session user', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const res = await agent.get('/authorize').query(authorizeQuery(client, { claims: claims({ id_token: { sub: { value: user.id } } }) }).query);
    expect(readAuthorizationResponse(res).params.get('code')).toBeTruthy();
  });

  it('never yields tokens for another user: login_required under prompt=none', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const query = authorizeQuery(client, { prompt: 'none', claims: claims({ id_token: { sub: { value: other.id } } }) }).query;
    const delivered = readAuthorizationResponse(await agent.get('/authorize').query(query));
    expect(delivered.params.get('error')).toBe('login_required');
    expect(delivered.params.get('code')).toBeNull();
  });

  it('asks for the named account and refuses a login as anyone else', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const start = await agent.get('/authorize').query(authorizeQuery(client, { claims: claims({ userinfo: { sub: { value: other.id } } }) }).query);
    const url = start.headers.location as string;
    expect(url).toMatch(/^\/interaction\//);
    const page = await agent.get(url);
    expect(page.text).toContain('name="password"');
    const wrong = await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(page.text), email: user.email, password: TEST_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.location).toBeUndefined();
    const right = await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(page.text), email: other.email, password: TEST_PASSWORD });
    const done = await agent.get(right.headers.location as string);
    expect(readAuthorizationResponse(done).params.get('code')).toBeTruthy();
  });

  it('refuses two different sub values with invalid_request', async () => {
    const request = { id_token: { sub: { value: user.id } }, userinfo: { sub: { value: other.id } } };
    const { params } = await respond({ claims: claims(request) });
    expect(params.get('error')).toBe('invalid_request');
  });
});

describe('an essential acr', () => {
  it('that the OP does not offer fails with unmet_authentication_requirements, even with a live session', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const query = authorizeQuery(client, { claims: claims({ id_token: { acr: { essential: true, value: 'urn:example:acr:loa4' } } }) }).query;
    const delivered = readAuthorizationResponse(await agent.get('/authorize').query(query));
    expect(delivered.params.get('error')).toBe('unmet_authentication_requirements');
    expect(delivered.params.get('state')).toBe('state-123');
  });

  it('that needs a factor the user lacks offers its enrolment, and fails when declined', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const query = authorizeQuery(client, { claims: claims({ id_token: { acr: { essential: true, value: 'urn:oidc-ref:acr:mfa' } } }) }).query;
    const start = await agent.get('/authorize').query(query);
    const page = await agent.get(start.headers.location as string);
    expect(page.text).toContain('Set up a second factor');
    const declined = await agent.post(`${start.headers.location}/enroll-otp/decline`).type('form').send({ csrf: csrfFrom(page.text) });
    const after = await agent.get(declined.headers.location as string);
    expect(readAuthorizationResponse(after).params.get('error')).toBe('unmet_authentication_requirements');
  });

  it('keeps its essential flag when acr_values is sent too (unlike oidc-provider)', async () => {
    const query = authorizeQuery(client, {
      acr_values: 'urn:oidc-ref:acr:pwd',
      claims: claims({ id_token: { acr: { essential: true, values: ['urn:example:acr:loa4'] } } }),
    }).query;
    const delivered = readAuthorizationResponse(await request(op.app).get('/authorize').query(query));
    expect(delivered.params.get('error')).toBe('unmet_authentication_requirements');
  });

  it('that is voluntary never fails the request: declining the enrolment gets the current level', async () => {
    const agent = browser(op.app);
    await signIn(agent, authorizeQuery(client).query, user.email);
    const query = authorizeQuery(client, { response_type: 'id_token', claims: claims({ id_token: { acr: { values: ['urn:oidc-ref:acr:mfa'] } } }) }).query;
    const start = await agent.get('/authorize').query(query);
    const page = await agent.get(start.headers.location as string);
    const declined = await agent.post(`${start.headers.location}/enroll-otp/decline`).type('form').send({ csrf: csrfFrom(page.text) });
    const after = await agent.get(declined.headers.location as string);
    const { params } = readAuthorizationResponse(after);
    expect((await idTokenClaims(params.get('id_token')!)).acr).toBe('urn:oidc-ref:acr:pwd');
  });
});

describe('consent', () => {
  it('covers claims requested beyond the scopes', async () => {
    const thirdParty = await createFrontChannelClient(op.repos, { firstParty: false, metadata: { client_name: 'Claims App' } });
    const agent = browser(op.app);
    const start = await agent
      .get('/authorize')
      .query(authorizeQuery(thirdParty, { scope: 'openid', claims: claims({ userinfo: { email: null } }) }).query);
    const url = start.headers.location as string;
    const login = await agent.get(url);
    await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(login.text), email: user.email, password: TEST_PASSWORD });
    const consent = await agent.get(url);
    expect(consent.text).toContain('Allow Claims App?');
    expect(consent.text).toContain('See your email address');
    const allowed = await agent.post(`${url}/consent`).type('form').send({ csrf: csrfFrom(consent.text), decision: 'allow' });
    expect(readAuthorizationResponse(allowed).params.get('code')).toBeTruthy();
    expect(await op.repos.consents.scopesGranted(user.id, thirdParty.id)).toEqual(expect.arrayContaining(['openid', 'email']));
  });
});
