import { sha256Base64Url } from '../../src/lib/tokens.js';
import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp, type FakeUser } from '../helpers/fake-op.js';
import { csrfFrom, sessionCookieFrom, sessionSetCookie, signIn } from '../helpers/sign-in.js';

let op: FakeOp;
let rp: TestRp;

const erin: FakeUser = { sub: 'user-erin', email: 'erin@acme.example', tenant: 'acme', tenant_name: 'Acme Corporation' };

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});

afterAll(() => fixture?.stop());

async function signedInBrowser() {
  const browser = rp.browser();
  const { callback } = await signIn(browser, op, erin);
  const sessionId = sha256Base64Url(sessionCookieFrom(callback)!);
  const account = await browser.get('/account');
  expect(account.status).toBe(200);
  return { browser, sessionId, csrf: csrfFrom(account.text) };
}

describe('POST /logout', () => {
  it('refuses a logout without a csrf field and keeps the session', async () => {
    const { browser, sessionId } = await signedInBrowser();
    const response = await browser.post('/logout').type('form').send({});
    expect(response.status).toBe(403);
    expect(response.text).toContain('Request refused');
    expect(sessionSetCookie(response)).toBeUndefined();
    expect(await rp.prisma.session.findUnique({ where: { id: sessionId } })).not.toBeNull();
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('refuses a logout with a wrong csrf token and keeps the session', async () => {
    const { browser, sessionId, csrf } = await signedInBrowser();
    const wrong = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
    const response = await browser.post('/logout').type('form').send({ csrf: wrong }).set('Accept', 'application/json');
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: 'invalid_csrf', error_description: expect.any(String) });
    expect(await rp.prisma.session.findUnique({ where: { id: sessionId } })).not.toBeNull();
    expect((await browser.get('/account')).status).toBe(200);
  });

  it("refuses another session's csrf token", async () => {
    const first = await signedInBrowser();
    const second = await signedInBrowser();
    const response = await first.browser.post('/logout').type('form').send({ csrf: second.csrf });
    expect(response.status).toBe(403);
    expect(await rp.prisma.session.findUnique({ where: { id: first.sessionId } })).not.toBeNull();
  });

  it('with the right csrf token deletes the session row, clears the cookie and goes home', async () => {
    const { browser, sessionId, csrf } = await signedInBrowser();
    const response = await browser.post('/logout').type('form').send({ csrf });
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/');
    expect(sessionSetCookie(response)).toMatch(/^rp_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(await rp.prisma.session.findUnique({ where: { id: sessionId } })).toBeNull();
    expect((await browser.get('/account')).status).toBe(303);
    const home = await browser.get('/');
    expect(home.text).toContain('href="/login"');
  });

  it('without a session just goes home', async () => {
    const response = await rp.browser().post('/logout').type('form').send({ csrf: 'anything' });
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/');
  });
});
