import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { FakeOp } from '../helpers/fake-op.js';
import { sessionSetCookie } from '../helpers/sign-in.js';
import { alive, newUser, signedIn } from './helpers.js';

// OIDC Front-Channel Logout 1.0 at the RP: GET /frontchannel-logout?iss=…&sid=…
let fixture: RpWithFakeOp;
let op: FakeOp;
let rp: TestRp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});
afterAll(() => fixture?.stop());

function expectFramableByOpOnly(res: { headers: Record<string, string> }): void {
  expect(res.headers['content-security-policy']).toBe(`default-src 'none'; frame-ancestors ${op.issuer}; base-uri 'none'; form-action 'none'`);
  expect(res.headers['x-frame-options']).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
}

it('ends the sessions of that OP session and clears the cookie of the browser that had one', async () => {
  const alice = newUser('alice');
  const mine = await signedIn(rp, op, alice);
  const other = await signedIn(rp, op, alice);
  // The iframe loads in Alice's browser, with her cookie.
  const res = await mine.browser.get('/frontchannel-logout').query({ iss: op.issuer, sid: mine.sid });
  expect(res.status).toBe(200);
  expect(res.text).toContain('Signed out of Sample RP.');
  expectFramableByOpOnly(res);
  expect(sessionSetCookie(res)).toMatch(/^rp_session=;.*Expires=Thu, 01 Jan 1970/);
  expect(await alive(rp, mine.sessionId)).toBe(false);
  expect(await alive(rp, other.sessionId)).toBe(true);
});

it('ends the session even when the iframe carries no cookie (third-party cookies blocked)', async () => {
  const session = await signedIn(rp, op, newUser('alice'));
  const res = await rp.browser().get('/frontchannel-logout').query({ iss: op.issuer, sid: session.sid });
  expect(res.status).toBe(200);
  expect(sessionSetCookie(res)).toBeUndefined();
  expect(await alive(rp, session.sessionId)).toBe(false);
});

it('an unknown sid is success with nothing to end', async () => {
  const session = await signedIn(rp, op, newUser('alice'));
  const res = await session.browser.get('/frontchannel-logout').query({ iss: op.issuer, sid: 'sid-unknown' });
  expect(res.status).toBe(200);
  expect(res.text).toContain('No Sample RP session to end.');
  expect(sessionSetCookie(res)).toBeUndefined();
  expect(await alive(rp, session.sessionId)).toBe(true);
});

it.each([
  ['another issuer', (sid: string) => ({ iss: 'https://stranger.example', sid })],
  ['an issuer with a trailing slash', (sid: string) => ({ iss: `${op.issuer}/`, sid })],
  ['no iss', (sid: string) => ({ sid })],
  ['no sid', () => ({ iss: op.issuer })],
  ['nothing', () => ({})],
])('with %s ends nothing (400)', async (_name, query) => {
  const session = await signedIn(rp, op, newUser('alice'));
  const res = await session.browser.get('/frontchannel-logout').query(query(session.sid));
  expect(res.status).toBe(400);
  expectFramableByOpOnly(res);
  expect(sessionSetCookie(res)).toBeUndefined();
  expect(await alive(rp, session.sessionId)).toBe(true);
  expect((await session.browser.get('/account')).status).toBe(200);
});

it('a repeated sid ends nothing', async () => {
  const session = await signedIn(rp, op, newUser('alice'));
  const res = await session.browser.get(`/frontchannel-logout?iss=${encodeURIComponent(op.issuer)}&sid=${session.sid}&sid=${session.sid}`);
  expect(res.status).toBe(400);
  expect(await alive(rp, session.sessionId)).toBe(true);
});

it('other pages still refuse to be framed', async () => {
  const res = await rp.browser().get('/');
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
});
