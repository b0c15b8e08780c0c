import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp, type FakeUser } from '../helpers/fake-op.js';
import { sessionCookieFrom, signIn } from '../helpers/sign-in.js';

let op: FakeOp;
let rp: TestRp;

const dave: FakeUser = { sub: 'user-dave', email: 'dave@acme.example', tenant: 'acme', tenant_name: 'Acme Corporation' };

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});

afterAll(() => fixture?.stop());

async function signedInSessions(): Promise<number> {
  return rp.prisma.session.count({ where: { accountId: { not: null } } });
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node_modules|\.ts:\d+/);
}

async function startLogin(browser: ReturnType<TestRp['browser']>): Promise<string> {
  const login = await browser.get('/login');
  expect(login.status).toBe(303);
  return login.headers['location'] as string;
}

describe('callback state checks', () => {
  it('refuses a callback whose state does not match, consuming the pending sign-in', async () => {
    const browser = rp.browser();
    const authorizationUrl = await startLogin(browser);
    const { code, callbackPath } = op.authorize(authorizationUrl, dave);
    const before = await signedInSessions();

    const forged = await browser.get('/callback').query({ code, state: 'not-the-state', iss: op.issuer });
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('Sign-in expired');
    expect(forged.text).toContain('try again');
    expectNoStack(forged.text);
    expect(sessionCookieFrom(forged)).toBeUndefined();

    // The pending sign-in was consumed: even the right state no longer works.
    const late = await browser.get(callbackPath);
    expect(late.status).toBe(400);
    expect(await signedInSessions()).toBe(before);
    expect(op.tokenRequests.filter((request) => request.authorized && !request.error)).toHaveLength(0);
  });

  it('refuses a replayed callback', async () => {
    const browser = rp.browser();
    const { callbackPath, callback } = await signIn(browser, op, dave);
    expect(callback.status).toBe(303);
    const after = await signedInSessions();

    const replay = await browser.get(callbackPath);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('Sign-in expired');
    expect(sessionCookieFrom(replay)).toBeUndefined();
    expect(await signedInSessions()).toBe(after);

    // A second browser replaying the same callback URL has no pending sign-in at all.
    const other = await rp.browser().get(callbackPath);
    expect(other.status).toBe(400);
    expect(await signedInSessions()).toBe(after);
  });

  it('lets only one of two concurrent callbacks through', async () => {
    const browser = rp.browser();
    const { callbackPath } = op.authorize(await startLogin(browser), dave);
    const results = await Promise.all([
      browser.get(callbackPath).set('Accept', 'application/json'),
      browser.get(callbackPath).set('Accept', 'application/json'),
    ]);
    const statuses = results.map((response) => response.status).sort();
    expect(statuses).toEqual([303, 400]);
    const loser = results.find((response) => response.status === 400)!;
    // Refused before reaching the OP, not by the OP's one-time code.
    expect(loser.body.error).toBe('login_expired');
  });

  it('refuses a callback without state or without a session, in JSON too', async () => {
    const browser = rp.browser();
    const authorizationUrl = await startLogin(browser);
    const { code } = op.authorize(authorizationUrl, dave);
    const noState = await browser.get('/callback').query({ code, iss: op.issuer }).set('Accept', 'application/json');
    expect(noState.status).toBe(400);
    expect(noState.body).toEqual({ error: 'login_expired', error_description: expect.any(String) });

    const noSession = await rp.browser().get('/callback').query({ code, state: 'x', iss: op.issuer });
    expect(noSession.status).toBe(400);
    expect(noSession.text).toContain('Sign-in expired');
  });
});

describe('errors from the OP', () => {
  it('shows the OP error code on a clear page, escaped, without a stack', async () => {
    const browser = rp.browser();
    const authorizationUrl = new URL(await startLogin(browser));
    const state = authorizationUrl.searchParams.get('state')!;
    const before = await signedInSessions();

    const response = await browser.get('/callback').query({
      error: 'access_denied',
      error_description: 'The user said <script>alert(1)</script> "no"',
      state,
      iss: op.issuer,
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('Sign-in was not completed');
    expect(response.text).toContain('<code>access_denied</code>');
    expect(response.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;no&quot;');
    expect(response.text).not.toContain('<script>');
    expectNoStack(response.text);
    expect(await signedInSessions()).toBe(before);
  });

  it('answers JSON clients with { error, error_description }', async () => {
    const browser = rp.browser();
    const state = new URL(await startLogin(browser)).searchParams.get('state')!;
    const response = await browser
      .get('/callback')
      .query({ error: 'login_required', state, iss: op.issuer })
      .set('Accept', 'application/json');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'op_error', error_description: expect.stringContaining('login_required') });
  });

  it('refuses an authorization response from another issuer (mix-up)', async () => {
    const browser = rp.browser();
    const { code, state } = op.authorize(await startLogin(browser), dave);
    const response = await browser.get('/callback').query({ code, state, iss: 'https://attacker.example' });
    expect(response.status).toBe(502);
    expect(response.text).toContain('Sign-in failed');
    expectNoStack(response.text);
  });
});

describe('ID token checks', () => {
  const cases: Array<[string, Parameters<FakeOp['authorize']>[2]]> = [
    ['a signature by a key outside the JWKS', { signWithUnknownKey: true }],
    ['a different nonce', { idTokenClaims: { nonce: 'someone-elses-nonce' } }],
    ['another audience', { idTokenClaims: { aud: 'another-client' } }],
    ['no tenant claim', { idTokenClaims: { tenant: undefined } }],
    ['no tenant_name claim', { idTokenClaims: { tenant_name: undefined } }],
  ];

  it.each(cases)('refuses an ID token with %s and creates nothing', async (_name, authorizeOptions) => {
    const sub = `user-${Math.random().toString(36).slice(2)}`;
    const browser = rp.browser();
    const { callback } = await signIn(browser, op, { ...dave, sub }, { authorize: authorizeOptions });
    expect(callback.status).toBe(502);
    expect(callback.text).toContain('Sign-in failed');
    expectNoStack(callback.text);
    expect(sessionCookieFrom(callback)).toBeUndefined();
    expect(await rp.prisma.account.count({ where: { sub } })).toBe(0);
    expect((await browser.get('/account')).status).toBe(303);
  });
});
