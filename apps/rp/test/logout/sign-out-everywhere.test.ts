import request from 'supertest';

import { bootstrap, startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { FakeOp } from '../helpers/fake-op.js';
import { sessionSetCookie } from '../helpers/sign-in.js';
import { alive, newUser, signedIn } from './helpers.js';

// RP-Initiated Logout 1.0 from the RP: "Sign out everywhere" (POST /logout everywhere=1) and
// the post-logout page GET /signed-out.
let fixture: RpWithFakeOp;
let op: FakeOp;
let rp: TestRp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});
afterAll(() => fixture?.stop());

const setCookies = (res: request.Response): string[] => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
const logoutStateCookie = (res: request.Response) => setCookies(res).find((line) => line.startsWith('rp_logout_state='));

it('offers the button next to Sign out on the account and home pages', async () => {
  const session = await signedIn(rp, op, newUser('alice'));
  for (const path of ['/account', '/']) {
    const page = await session.browser.get(path);
    expect(page.text).toContain(`<input type="hidden" name="csrf" value="${session.csrf}"><input type="hidden" name="everywhere" value="1">`);
    expect(page.text).toContain('Sign out everywhere</button>');
  }
});

it('Alice signs out everywhere: her session is gone, the OP gets id_token_hint, post_logout_redirect_uri and state, and /signed-out confirms the state', async () => {
  const alice = await signedIn(rp, op, newUser('alice'));
  const res = await alice.browser.post('/logout').type('form').send({ csrf: alice.csrf, everywhere: '1' });

  expect(res.status).toBe(303);
  expect(res.headers['cache-control']).toBe('no-store');
  const location = new URL(res.headers['location'] as string);
  expect(`${location.origin}${location.pathname}`).toBe(`${op.issuer}/end-session`);
  const state = location.searchParams.get('state') ?? '';
  expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect([...location.searchParams.entries()].sort()).toEqual(
    [
      ['ui', 'compact'], // the endpoint's own query is kept
      ['id_token_hint', alice.idToken],
      ['post_logout_redirect_uri', 'http://localhost:3000/signed-out'],
      ['state', state],
      ['client_id', op.clientId],
    ].sort(),
  );

  // The local session ended before leaving for the OP.
  expect(await alive(rp, alice.sessionId)).toBe(false);
  expect(sessionSetCookie(res)).toMatch(/^rp_session=;.*Expires=Thu, 01 Jan 1970/);
  expect(logoutStateCookie(res)).toMatch(new RegExp(`^rp_logout_state=${state}; Max-Age=600; Path=/signed-out; Expires=.*; HttpOnly; SameSite=Lax$`));
  expect((await alice.browser.get('/account')).status).toBe(303);

  // The OP sends her back to the registered post_logout_redirect_uri with the state.
  const back = await alice.browser.get(`/signed-out?state=${encodeURIComponent(state)}`);
  expect(back.status).toBe(200);
  expect(back.headers['cache-control']).toBe('no-store');
  expect(back.text).toContain('You are signed out');
  expect(logoutStateCookie(back)).toMatch(/^rp_logout_state=;.*Expires=Thu, 01 Jan 1970/);

  // The state is single-use.
  const reload = await alice.browser.get(`/signed-out?state=${encodeURIComponent(state)}`);
  expect(reload.status).toBe(400);
  expect(reload.text).toContain('Sign-out could not be confirmed');
});

it('/signed-out with a state that does not match, none, or twice, says it could not confirm the sign-out', async () => {
  const alice = await signedIn(rp, op, newUser('alice'));
  const res = await alice.browser.post('/logout').type('form').send({ csrf: alice.csrf, everywhere: '1' });
  const state = new URL(res.headers['location'] as string).searchParams.get('state') ?? '';
  for (const query of ['?state=forged', '', `?state=${state}&state=${state}`]) {
    const page = await alice.browser.get(`/signed-out${query}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-out could not be confirmed');
    expect(page.text).not.toContain('You are signed out of this app and of your identity provider');
  }
  // Another browser (no state cookie) with the right state is not confirmed either.
  expect((await rp.browser().get(`/signed-out?state=${state}`)).status).toBe(400);
});

it('a wrong csrf token keeps the session and does not go to the OP', async () => {
  const alice = await signedIn(rp, op, newUser('alice'));
  const res = await alice.browser.post('/logout').type('form').send({ csrf: 'wrong', everywhere: '1' });
  expect(res.status).toBe(403);
  expect(res.headers['location']).toBeUndefined();
  expect(logoutStateCookie(res)).toBeUndefined();
  expect(await alive(rp, alice.sessionId)).toBe(true);
});

it('without a session it just goes home', async () => {
  const res = await rp.browser().post('/logout').type('form').send({ csrf: 'x', everywhere: '1' });
  expect(res.status).toBe(303);
  expect(res.headers['location']).toBe('/');
});

it('the plain Sign out still ends only the local session and goes home', async () => {
  const alice = await signedIn(rp, op, newUser('alice'));
  const res = await alice.browser.post('/logout').type('form').send({ csrf: alice.csrf });
  expect(res.status).toBe(303);
  expect(res.headers['location']).toBe('/');
  expect(logoutStateCookie(res)).toBeUndefined();
  expect(await alive(rp, alice.sessionId)).toBe(false);
});

it('allows the form to lead to the OP (CSP form-action)', async () => {
  const res = await rp.browser().get('/');
  expect(res.headers['content-security-policy']).toContain(`form-action 'self' ${op.issuer}`);
});

it('when the OP cannot be reached, signs out locally and says so', async () => {
  const alice = await signedIn(rp, op, newUser('alice'));
  // The same database behind an RP whose OP is down (discovery of 127.0.0.1:9 fails).
  const offline = bootstrap({ databaseUrl: fixture.db.url, issuer: 'http://127.0.0.1:9', clientId: op.clientId });
  try {
    const res = await request(offline.app).post('/logout').set('Cookie', `rp_session=${alice.cookie}`).type('form').send({ csrf: alice.csrf, everywhere: '1' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Signed out of this app only');
    expect(sessionSetCookie(res)).toMatch(/^rp_session=;/);
    expect(logoutStateCookie(res)).toBeUndefined();
    expect(await alive(rp, alice.sessionId)).toBe(false);
  } finally {
    await offline.prisma.$disconnect();
  }
});
