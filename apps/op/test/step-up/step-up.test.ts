// Step-up at the OP (issue 4, step-up digest §10): acr levels are method chains, and a request
// for a higher level asks only for the factors the session lacks.
import { generate } from 'otplib';
import request from 'supertest';
import { decodeJwtUnverified, encryptJwt, generateEncryptionKey, generateSigningKey, KeySet } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom, redirectParams, signIn, type Agent } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const SECRET = 'JBSWY3DPEHPK3PXP'; // the demo secret: 80 bits, still accepted for enrolled users

let op: TestOp;
let client: ClientRecord;
let alice: UserRecord;
let bob: UserRecord;

beforeAll(async () => {
  op = await bootstrap();
  client = await createClient(op.repos);
  alice = await createUser(op.repos, { totpSecret: SECRET });
  bob = await createUser(op.repos);
});
afterAll(() => op.dispose());

const codeAt = async (secret: string, offsetSeconds = 0) =>
  generate({ secret, epoch: Math.floor(op.clock.now.getTime() / 1000) + offsetSeconds, ...(secret.length < 32 && { guardrails: (await import('otplib')).createGuardrails({ MIN_SECRET_BYTES: 10 }) }) });

async function tokensFor(agent: Agent, extra: Record<string, string>, verifierQuery = authorizeQuery(client, extra)) {
  const res = await agent.get('/authorize').query(verifierQuery.query);
  const params = redirectParams(res.headers.location as string);
  const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifierQuery.verifier });
  return decodeJwtUnverified(tokens.body.id_token).payload;
}

/** Signs in with the password only; returns the browser and its first ID token claims. */
async function passwordSession(user: UserRecord) {
  const agent = browser(op.app);
  const { query, verifier } = authorizeQuery(client);
  const { params } = await signIn(agent, query, user.email);
  const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier });
  return { agent, idToken: tokens.body.id_token as string, claims: decodeJwtUnverified(tokens.body.id_token).payload };
}

describe('alice steps up from password to mfa', () => {
  it('is asked only for her code, and gets acr mfa, amr pwd+otp+mfa and a fresh auth_time', async () => {
    const { agent, claims: before } = await passwordSession(alice);
    expect(before).toMatchObject({ acr: PWD, amr: ['pwd'] });

    op.clock.advance(120);
    const request = authorizeQuery(client, { acr_values: MFA, max_age: '300', id_token_hint: '' });
    const start = await agent.get('/authorize').query(request.query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    expect(page.text).toContain('Enter your verification code');
    expect(page.text).not.toContain('name="password"');

    const posted = await agent.post(`${url}/otp`).type('form').send({ csrf: csrfFrom(page.text), code: await codeAt(SECRET) });
    expect(posted.status).toBe(303);
    const done = await agent.get(posted.headers.location as string);
    const params = redirectParams(done.headers.location as string);
    const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: request.verifier });
    const after = decodeJwtUnverified(tokens.body.id_token).payload;
    expect(after).toMatchObject({ acr: MFA, amr: ['pwd', 'otp', 'mfa'], sid: before.sid, sub: alice.id });
    expect(after.auth_time).toBe(Math.floor(op.clock.now.getTime() / 1000));
    expect(after.auth_time).toBeGreaterThan(before.auth_time as number);
  });

  it('refuses the same code twice, even in another sign-in', async () => {
    const first = await passwordSession(alice);
    op.clock.advance(30);
    const code = await codeAt(SECRET);
    for (const [agent, expected] of [
      [first.agent, 303],
      [(await passwordSession(alice)).agent, 401],
    ] as const) {
      const start = await agent.get('/authorize').query(authorizeQuery(client, { acr_values: MFA }).query);
      const url = start.headers.location as string;
      const page = await agent.get(url);
      const posted = await agent.post(`${url}/otp`).type('form').send({ csrf: csrfFrom(page.text), code });
      expect(posted.status).toBe(expected);
      if (expected === 401) expect(posted.text).toContain('already used');
    }
  });

  it('refuses a wrong code with a clear message, and locks the factor after five', async () => {
    op.clock.advance(16 * 60); // a clean slate for the limiter: earlier tests refused codes too
    const { agent } = await passwordSession(alice);
    op.clock.advance(60);
    const start = await agent.get('/authorize').query(authorizeQuery(client, { acr_values: MFA }).query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    const csrf = csrfFrom(page.text);
    for (let i = 0; i < 5; i++) {
      const wrong = await agent.post(`${url}/otp`).type('form').send({ csrf, code: '000000' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('That code is not valid');
    }
    const right = await agent.post(`${url}/otp`).type('form').send({ csrf, code: await codeAt(SECRET) });
    expect(right.status).toBe(401);
    expect(right.text).toContain('Too many wrong codes');
    op.clock.advance(16 * 60);
  });

  it('keeps the old acr in tokens minted before the step-up', async () => {
    const { agent } = await passwordSession(alice);
    const before = authorizeQuery(client);
    const codeBefore = redirectParams((await agent.get('/authorize').query(before.query)).headers.location as string).get('code')!;
    op.clock.advance(30); // within the code's 60 s lifetime
    const start = await agent.get('/authorize').query(authorizeQuery(client, { acr_values: MFA }).query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    await agent.post(`${url}/otp`).type('form').send({ csrf: csrfFrom(page.text), code: await codeAt(SECRET) });
    const tokens = await exchangeCode(op.app, client, { code: codeBefore, code_verifier: before.verifier });
    expect(decodeJwtUnverified(tokens.body.id_token).payload.acr).toBe(PWD);
  });

  it('asserts mfa without asking again while both factors are fresh, and re-asks them under max_age=0', async () => {
    const { agent } = await passwordSession(alice);
    op.clock.advance(60);
    const start = await agent.get('/authorize').query(authorizeQuery(client, { acr_values: MFA }).query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    await agent.post(`${url}/otp`).type('form').send({ csrf: csrfFrom(page.text), code: await codeAt(SECRET) });
    expect(await tokensFor(agent, { acr_values: MFA })).toMatchObject({ acr: MFA });
    const again = await agent.get('/authorize').query(authorizeQuery(client, { acr_values: MFA, max_age: '0' }).query);
    const forced = await agent.get(again.headers.location as string);
    expect(forced.text).toContain('name="password"');
  });
});

describe('bob has no second factor', () => {
  it('is offered enrolment; after confirming a code he gets mfa', async () => {
    const { agent } = await passwordSession(bob);
    const request = authorizeQuery(client, { acr_values: MFA });
    const start = await agent.get('/authorize').query(request.query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    expect(page.text).toContain('Set up a second factor');
    const secret = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(page.text)![1]!.replace(/ /g, '');
    const wrong = await agent.post(`${url}/enroll-otp`).type('form').send({ csrf: csrfFrom(page.text), code: '123456' });
    expect(wrong.status).toBe(401);
    const posted = await agent.post(`${url}/enroll-otp`).type('form').send({ csrf: csrfFrom(page.text), code: await codeAt(secret) });
    expect(posted.status).toBe(303);
    const done = await agent.get(posted.headers.location as string);
    const params = redirectParams(done.headers.location as string);
    const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: request.verifier });
    expect(decodeJwtUnverified(tokens.body.id_token).payload).toMatchObject({ acr: MFA, amr: ['pwd', 'otp', 'mfa'] });
    expect((await op.repos.totp.state(bob.id)).secret).toBe(secret);
  });

  it('gets unmet_authentication_requirements for an essential mfa under prompt=none', async () => {
    const carol = await createUser(op.repos);
    const { agent } = await passwordSession(carol);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: MFA } } });
    const res = await agent.get('/authorize').query(authorizeQuery(client, { claims, prompt: 'none' }).query);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('unmet_authentication_requirements');
  });
});

describe('id_token_hint', () => {
  it('answers prompt=none with login_required when the hint names another user than the session', async () => {
    const { idToken } = await passwordSession(bob);
    const { agent } = await passwordSession(alice);
    const res = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none', id_token_hint: idToken }).query);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('login_required');
  });

  it('accepts an expired hint for the session user', async () => {
    const { agent, idToken } = await passwordSession(alice);
    op.clock.advance(op.config.ttl.idToken + 60);
    const res = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none', id_token_hint: idToken, max_age: '100000' }).query);
    expect(redirectParams(res.headers.location as string).get('code')).toBeTruthy();
  });

  it('accepts a hint the RP encrypted to the OP\'s published encryption key, and refuses one to another key', async () => {
    const { agent, idToken } = await passwordSession(alice);
    const jwks = (await request(op.app).get('/jwks')).body as { keys: Array<Record<string, unknown>> };
    const opKey = jwks.keys.find((key) => key.use === 'enc');
    expect(opKey).toMatchObject({ alg: 'RSA-OAEP-256', kty: 'RSA' });
    expect(opKey).not.toHaveProperty('d');
    const encrypted = await encryptJwt(idToken, opKey!, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const res = await agent.get('/authorize').query(authorizeQuery(client, { prompt: 'none', id_token_hint: encrypted }).query);
    expect(redirectParams(res.headers.location as string).get('code')).toBeTruthy();

    const stranger = await generateEncryptionKey('RSA-OAEP-256');
    const wrong = await encryptJwt(idToken, stranger.publicJwk, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const refused = await agent.get('/authorize').query(authorizeQuery(client, { id_token_hint: wrong }).query);
    expect(redirectParams(refused.headers.location as string).get('error')).toBe('invalid_request');
  });

  it('refuses a hint signed by a key the OP never had with invalid_request', async () => {
    const foreign = await KeySet.load([await generateSigningKey('RS256')]);
    const hint = await foreign.sign({ iss: ISSUER, sub: alice.id, aud: client.id, exp: 9_999_999_999, iat: 1 });
    const { agent } = await passwordSession(alice);
    const res = await agent.get('/authorize').query(authorizeQuery(client, { id_token_hint: hint }).query);
    expect(redirectParams(res.headers.location as string).get('error')).toBe('invalid_request');
  });

  it('never issues for another user than the hinted one: logging in as someone else is refused', async () => {
    const { idToken } = await passwordSession(alice);
    const agent = browser(op.app);
    const start = await agent.get('/authorize').query(authorizeQuery(client, { id_token_hint: idToken }).query);
    const url = start.headers.location as string;
    const page = await agent.get(url);
    expect(page.text).toContain(`value="${alice.email}"`); // the hinted account is pre-filled
    const posted = await agent.post(`${url}/login`).type('form').send({ csrf: csrfFrom(page.text), email: bob.email, password: 'correct horse battery staple' });
    expect(posted.status).toBe(403);
    expect(posted.text).toContain('asked for a different account');
  });
});

it('advertises the levels in discovery', async () => {
  const metadata = (await request(op.app).get('/.well-known/openid-configuration')).body;
  expect(metadata.acr_values_supported).toEqual([PWD, MFA]);
});
