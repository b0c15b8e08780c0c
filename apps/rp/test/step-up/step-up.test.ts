import { parseInsufficientUserAuthentication } from '@oidc-ref/rp-kit';

import { AppError } from '../../src/errors.js';
import { sha256Base64Url } from '../../src/lib/tokens.js';
import { setTenantStepUpPolicy } from '../../src/services/set-tenant-step-up-policy.js';
import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { AuthorizeOptions, FakeOp, FakeUser } from '../helpers/fake-op.js';
import { sessionCookieFrom, sessionSetCookie, signIn } from '../helpers/sign-in.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const CHALLENGE = `Bearer error="insufficient_user_authentication", acr_values="${MFA}", max_age="300"`;
const DESCRIPTION = 'This action needs a stronger or more recent sign-in.';

const alice: FakeUser = { sub: 'user-alice', email: 'alice@acme.example', name: 'Alice', tenant: 'acme', tenant_name: 'Acme Corporation' };
const bob: FakeUser = { sub: 'user-bob', email: 'bob@acme.example', tenant: 'acme', tenant_name: 'Acme Corporation' };
const mallory: FakeUser = { sub: 'user-mallory', email: 'mallory@acme.example', tenant: 'acme', tenant_name: 'Acme Corporation' };

type Browser = ReturnType<TestRp['browser']>;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const mfaNow = (): AuthorizeOptions => ({ idTokenClaims: { acr: MFA, amr: ['pwd', 'otp', 'mfa'], auth_time: nowSeconds() } });

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node_modules|\.ts:\d+/);
}

describe('step-up (default policy: export needs MFA within 300 s)', () => {
  let fixture: RpWithFakeOp;
  let op: FakeOp;
  let rp: TestRp;

  beforeAll(async () => {
    fixture = await startRpWithFakeOp();
    ({ op, rp } = fixture);
  });

  afterAll(() => fixture?.stop());

  /** Signs `user` in; returns the browser and its session cookie. */
  async function signedIn(user: FakeUser, authorize?: AuthorizeOptions): Promise<{ browser: Browser; cookie: string }> {
    const browser = rp.browser();
    const { callback } = await signIn(browser, op, user, authorize ? { authorize } : {});
    expect(callback.status).toBe(303);
    return { browser, cookie: sessionCookieFrom(callback)! };
  }

  const sessionRow = (cookie: string) => rp.prisma.session.findUnique({ where: { id: sha256Base64Url(cookie) } });

  /** Opens the export page, which must redirect to the OP for a step-up; returns that URL. */
  async function stepUpUrl(browser: Browser, query = ''): Promise<URL> {
    const page = await browser.get(`/account/export${query}`);
    expect(page.status).toBe(303);
    return new URL(page.headers['location'] as string);
  }

  describe('GET /api/account/export', () => {
    it('answers 401 JSON without a session, whatever the Accept header', async () => {
      for (const accept of ['application/json', 'text/html', '*/*']) {
        const response = await rp.browser().get('/api/account/export').set('Accept', accept);
        expect(response.status).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.headers['cache-control']).toBe('no-store');
        expect(response.body).toEqual({ error: 'unauthenticated', error_description: 'Sign in to use this.' });
      }
    });

    it('answers the RFC 9470 challenge to a password-only session', async () => {
      const { browser } = await signedIn(alice);
      const response = await browser.get('/api/account/export');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ error: 'insufficient_user_authentication', error_description: DESCRIPTION });
    });

    it('challenges an MFA session whose authentication is older than max_age (+60 s skew)', async () => {
      const { browser } = await signedIn(alice, { idTokenClaims: { acr: MFA, auth_time: nowSeconds() - 400 } });
      const response = await browser.get('/api/account/export');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('challenges an MFA session whose ID token has no auth_time', async () => {
      const { browser } = await signedIn(alice, { idTokenClaims: { acr: MFA, auth_time: undefined } });
      expect((await browser.get('/api/account/export')).headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('answers 200 with the account data, and no tokens, to a recent MFA session', async () => {
      const { browser, cookie } = await signedIn(alice, mfaNow());
      const response = await browser.get('/api/account/export');
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        exportedAt: expect.any(String),
        account: {
          sub: 'user-alice',
          email: 'alice@acme.example',
          name: 'Alice',
          state: 'active',
          createdAt: expect.any(String),
          lastLoginAt: expect.any(String),
        },
        tenant: { name: 'Acme Corporation', externalId: 'acme', issuer: op.issuer, personal: false },
        claims: {
          id_token: expect.objectContaining({ sub: 'user-alice', acr: MFA, amr: ['pwd', 'otp', 'mfa'] }),
          userinfo: expect.objectContaining({ sub: 'user-alice', email: 'alice@acme.example' }),
        },
      });
      const { idToken } = (await sessionRow(cookie))!;
      expect(response.text).not.toContain(idToken!);
      expect(response.text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });
  });

  describe('GET /account/export (the page steps up)', () => {
    it('redirects to / without a session', async () => {
      const response = await rp.browser().get('/account/export');
      expect(response.status).toBe(303);
      expect(response.headers['location']).toBe('/');
    });

    it('is offered on the account page', async () => {
      const { browser } = await signedIn(alice);
      const page = await browser.get('/account');
      expect(page.text).toContain('href="/account/export"');
      expect(page.text).toContain('Export my data');
    });

    it('round trip: challenge → OP with acr_values, max_age, id_token_hint → verified → the export', async () => {
      const { browser, cookie } = await signedIn(alice);
      const signInRequest = op.authorizationRequests.at(-1)!;
      const before = (await sessionRow(cookie))!;
      const requestsBefore = op.authorizationRequests.length;

      const url = await stepUpUrl(browser);
      expect(`${url.origin}${url.pathname}`).toBe(`${op.issuer}/authorize`);
      const params = url.searchParams;
      expect(params.get('acr_values')).toBe(MFA);
      expect(params.get('max_age')).toBe('300');
      expect(params.get('id_token_hint')).toBe(before.idToken);
      expect(params.has('prompt')).toBe(false);
      expect(params.get('response_type')).toBe('code');
      expect(params.get('code_challenge_method')).toBe('S256');
      expect(params.get('state')).not.toBe(signInRequest.params.get('state'));
      expect(params.get('nonce')).not.toBe(signInRequest.params.get('nonce'));

      // The page followed exactly the challenge the API answers with.
      const api = await browser.get('/api/account/export');
      expect(parseInsufficientUserAuthentication(api.headers['www-authenticate'] as string)).toEqual({
        acrValues: params.get('acr_values')!.split(' '),
        maxAge: Number(params.get('max_age')),
      });

      // The pending sign-in remembers the step-up.
      expect((await sessionRow(cookie))!.loginState).toMatchObject({
        returnTo: '/account/export',
        stepUp: { action: 'export_account_data', acr: MFA, maxAge: 300, sub: 'user-alice', iss: op.issuer },
      });

      const { callbackPath } = op.authorize(url.href, alice, mfaNow());
      // The OP got a hint it signed itself, for alice.
      expect(op.authorizationRequests).toHaveLength(requestsBefore + 1);
      expect(op.authorizationRequests.at(-1)).toMatchObject({
        acrValues: [MFA],
        maxAge: '300',
        prompt: undefined,
        idTokenHint: { raw: before.idToken, signedByThisOp: true, sub: 'user-alice' },
      });
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(303);
      expect(callback.headers['location']).toBe('/account/export');
      const newCookie = sessionCookieFrom(callback)!;
      expect(newCookie).toBeDefined();
      expect(newCookie).not.toBe(cookie);
      expect(await sessionRow(cookie)).toBeNull();
      const after = (await sessionRow(newCookie))!;
      expect(after.idToken).not.toBe(before.idToken);
      expect(after.accountId).toBe(before.accountId);

      const page = await browser.get('/account/export');
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain('Your data');
      expect(page.text).toContain(MFA);
      expect(page.text).toContain('pwd, otp, mfa');
      expect(page.text).toContain('alice@acme.example');
      expect(page.text).not.toContain(after.idToken!);
      expect((await browser.get('/api/account/export')).status).toBe(200);
      expect((await browser.get('/account')).text).toContain(MFA);
    });

    it('shows the export at once when the session already meets the requirement', async () => {
      const { browser, cookie } = await signedIn(alice, mfaNow());
      const page = await browser.get('/account/export');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Your data');
      expect((await sessionRow(cookie))!.loginState).toBeNull();
    });

    it('refuses a step-up that comes back with acr still pwd, keeping the session and not exporting', async () => {
      const { browser, cookie } = await signedIn(alice);
      const before = (await sessionRow(cookie))!;
      const url = await stepUpUrl(browser);
      const { callbackPath } = op.authorize(url.href, alice, { idTokenClaims: { acr: PWD, auth_time: nowSeconds() } });
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(403);
      expect(callback.headers['content-type']).toMatch(/text\/html/);
      expect(callback.text).toContain('Stronger sign-in not confirmed');
      expect(callback.text).toContain('<code>step_up_failed</code>');
      expect(callback.text).toContain('href="/account/export">Try again');
      expect(callback.text).toContain('href="/account"');
      expect(callback.text).not.toContain('alice@acme.example');
      expectNoStack(callback.text);
      expect(sessionSetCookie(callback)).toBeUndefined();

      // Same session, same (password) ID token: no silent downgrade, no export.
      const kept = (await sessionRow(cookie))!;
      expect(kept.idToken).toBe(before.idToken);
      expect(kept.loginState).toBeNull();
      expect((await browser.get('/account')).status).toBe(200);
      expect((await browser.get('/api/account/export')).status).toBe(401);
    });

    it('refuses an auth_time older than max_age, and its retry asks for prompt=login', async () => {
      const { browser, cookie } = await signedIn(alice);
      const before = (await sessionRow(cookie))!;
      const url = await stepUpUrl(browser);
      const { callbackPath } = op.authorize(url.href, alice, { idTokenClaims: { acr: MFA, auth_time: nowSeconds() - 361 - 5 } });
      const callback = await browser.get(callbackPath).set('Accept', 'text/html');
      expect(callback.status).toBe(403);
      expect(callback.text).toContain('<code>step_up_failed</code>');
      expect(callback.text).toContain('href="/account/export?prompt=login"');
      expect((await sessionRow(cookie))!.idToken).toBe(before.idToken);

      const retry = await stepUpUrl(browser, '?prompt=login');
      expect(retry.searchParams.get('prompt')).toBe('login');
      expect(retry.searchParams.get('max_age')).toBe('300');
      expect(retry.searchParams.get('acr_values')).toBe(MFA);
      expect((await sessionRow(cookie))!.loginState).toMatchObject({ returnTo: '/account/export' });
    });

    it('refuses a step-up that comes back for another user, and ends the session', async () => {
      const { browser, cookie } = await signedIn(alice);
      const url = await stepUpUrl(browser);
      const { callbackPath } = op.authorize(url.href, mallory, mfaNow());
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(403);
      expect(callback.text).toContain('Signed in as someone else');
      expect(callback.text).toContain('<code>step_up_wrong_user</code>');
      expect(callback.text).toContain('href="/login"');
      // The cookie is cleared, the session row gone, and no session or account made for mallory.
      expect(sessionSetCookie(callback)).toMatch(/^rp_session=;.*Expires=Thu, 01 Jan 1970/);
      expect(await sessionRow(cookie)).toBeNull();
      expect(await rp.prisma.account.count({ where: { sub: 'user-mallory' } })).toBe(0);
      expect((await browser.get('/account')).status).toBe(303);
      expect((await browser.get('/api/account/export')).status).toBe(401);
    });

    it('shows a clear page, with no retry, when the OP answers unmet_authentication_requirements', async () => {
      const { browser, cookie } = await signedIn(bob);
      const url = await stepUpUrl(browser);
      const tokenRequests = op.tokenRequests.length;
      const { callbackPath } = op.authorizeError(url.href, 'unmet_authentication_requirements', 'no second factor enrolled');
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(403);
      expect(callback.text).toContain('Stronger sign-in not available');
      expect(callback.text).toContain('This action needs a stronger sign-in (a second factor) that your account cannot provide.');
      expect(callback.text).toContain('<code>unmet_authentication_requirements</code>');
      expect(callback.text).not.toContain('Try again');
      expect(callback.text).not.toContain('href="/account/export"');
      expect(callback.text).toContain('href="/account"');
      expect(op.tokenRequests).toHaveLength(tokenRequests);
      // Still signed in as before; the pending step-up is used up, so nothing can loop back to the OP.
      const kept = (await sessionRow(cookie))!;
      expect(kept.accountId).not.toBeNull();
      expect(kept.loginState).toBeNull();
      expect((await browser.get('/account')).status).toBe(200);
    });

    it('answers unmet_authentication_requirements in JSON too', async () => {
      const { browser } = await signedIn(bob);
      const { callbackPath } = op.authorizeError((await stepUpUrl(browser)).href, 'unmet_authentication_requirements');
      const callback = await browser.get(callbackPath).set('Accept', 'application/json');
      expect(callback.status).toBe(403);
      expect(callback.body).toEqual({
        error: 'step_up_unmet',
        error_description: expect.stringContaining('(unmet_authentication_requirements)'),
      });
    });

    it.each(['login_required', 'interaction_required'])('shows a clear page with a retry when the OP answers %s', async (error) => {
      const { browser, cookie } = await signedIn(alice);
      const { callbackPath } = op.authorizeError((await stepUpUrl(browser)).href, error);
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(403);
      expect(callback.text).toContain('Sign-in needed at the identity provider');
      expect(callback.text).toContain(`<code>${error}</code>`);
      expect(callback.text).toContain('href="/account/export">Try again');
      expect((await sessionRow(cookie))!.accountId).not.toBeNull();
    });

    it('sends the user back to the action after another OP error (access_denied)', async () => {
      const { browser } = await signedIn(alice);
      const { callbackPath } = op.authorizeError((await stepUpUrl(browser)).href, 'access_denied');
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(400);
      expect(callback.text).toContain('<code>access_denied</code>');
      expect(callback.text).toContain('href="/account/export">Try again');
      expect((await browser.get('/account')).status).toBe(200);
    });

    it('refuses an ID token the OP did not sign during a step-up, keeping the session', async () => {
      const { browser, cookie } = await signedIn(alice);
      const before = (await sessionRow(cookie))!;
      const { callbackPath } = op.authorize((await stepUpUrl(browser)).href, alice, { ...mfaNow(), signWithUnknownKey: true });
      const callback = await browser.get(callbackPath);
      expect(callback.status).toBe(502);
      expect(callback.text).toContain('href="/account/export">Try again');
      expect((await sessionRow(cookie))!.idToken).toBe(before.idToken);
    });
  });

  describe('per-tenant policy', () => {
    const carol: FakeUser = { sub: 'user-carol', email: 'carol@globex.example', tenant: 'globex', tenant_name: 'Globex' };
    const dan: FakeUser = { sub: 'user-dan', email: 'dan@initech.example', tenant: 'initech', tenant_name: 'Initech' };

    async function tenantId(externalId: string): Promise<string> {
      return (await rp.prisma.tenant.findFirstOrThrow({ where: { externalId } })).id;
    }

    afterEach(async () => {
      for (const externalId of ['globex', 'initech']) {
        const tenant = await rp.prisma.tenant.findFirst({ where: { externalId } });
        if (tenant) await setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: tenant.id, policy: null });
      }
    });

    it("lets a tenant relax the requirement, without touching other tenants", async () => {
      const { browser } = await signedIn(carol);
      await setTenantStepUpPolicy({
        prisma: rp.prisma,
        config: rp.config,
        tenantId: await tenantId('globex'),
        policy: { export_account_data: { acr: PWD } },
      });
      expect((await browser.get('/api/account/export')).status).toBe(200);
      expect((await browser.get('/account/export')).status).toBe(200);
      // alice's tenant keeps the default.
      const { browser: aliceBrowser } = await signedIn(alice);
      expect((await aliceBrowser.get('/api/account/export')).headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('lets a tenant drop the requirement altogether ({})', async () => {
      const { browser } = await signedIn(carol);
      await setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: await tenantId('globex'), policy: {} });
      expect((await browser.get('/api/account/export')).status).toBe(200);
    });

    it('lets a tenant be stricter: a shorter max_age reaches the challenge and the authorization request', async () => {
      const { browser } = await signedIn(dan, { idTokenClaims: { acr: MFA, auth_time: nowSeconds() - 200 } });
      expect((await browser.get('/api/account/export')).status).toBe(200);
      await setTenantStepUpPolicy({
        prisma: rp.prisma,
        config: rp.config,
        tenantId: await tenantId('initech'),
        policy: { export_account_data: { acr: MFA, maxAge: 60 } },
      });
      const api = await browser.get('/api/account/export');
      expect(api.status).toBe(401);
      expect(api.headers['www-authenticate']).toBe(`Bearer error="insufficient_user_authentication", acr_values="${MFA}", max_age="60"`);
      const url = await stepUpUrl(browser);
      expect(url.searchParams.get('max_age')).toBe('60');

      const callback = await browser.get(op.authorize(url.href, dan, mfaNow()).callbackPath);
      expect(callback.status).toBe(303);
      expect((await browser.get('/api/account/export')).status).toBe(200);
    });

    it('falls back to the default when the tenant policy is cleared', async () => {
      const { browser } = await signedIn(carol);
      const id = await tenantId('globex');
      await setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: id, policy: {} });
      expect((await browser.get('/api/account/export')).status).toBe(200);
      await setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: id, policy: null });
      expect((await browser.get('/api/account/export')).headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('refuses to store an invalid policy', async () => {
      await signedIn(carol);
      const id = await tenantId('globex');
      for (const policy of [
        { export_account_data: { acr: 'urn:unknown' } },
        { export_acount_data: { acr: MFA } },
        { export_account_data: { acr: MFA, maxAge: -5 } },
        'mfa',
      ]) {
        await expect(setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: id, policy })).rejects.toMatchObject({
          code: 'invalid_request',
        });
      }
      await expect(
        setTenantStepUpPolicy({ prisma: rp.prisma, config: rp.config, tenantId: id, policy: 'mfa' }),
      ).rejects.toBeInstanceOf(AppError);
    });

    it('fails closed on an invalid policy found in the database', async () => {
      const { browser } = await signedIn(carol, mfaNow());
      await rp.prisma.tenant.update({
        where: { id: await tenantId('globex') },
        data: { stepUpPolicy: { export_account_data: { acr: 'urn:unknown' } } },
      });
      const api = await browser.get('/api/account/export');
      expect(api.status).toBe(500);
      expect(api.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
      const page = await browser.get('/account/export');
      expect(page.status).toBe(500);
      expect(page.text).not.toContain('carol@globex.example');
      // The account page itself still works.
      expect((await browser.get('/account')).status).toBe(200);
    });
  });
});

describe('step-up with RP_ACR_VALUES and RP_STEP_UP_POLICY set', () => {
  const HWK = 'urn:oidc-ref:acr:hwk';
  let fixture: RpWithFakeOp;

  beforeAll(async () => {
    fixture = await startRpWithFakeOp({
      env: {
        RP_ACR_VALUES: `${PWD} ${MFA} ${HWK}`,
        RP_STEP_UP_POLICY: JSON.stringify({ export_account_data: { acr: MFA, maxAge: 120 } }),
      },
    });
  });

  afterAll(() => fixture?.stop());

  it('asks for the required acr and every stronger one, and accepts a stronger one', async () => {
    const { op, rp } = fixture;
    const browser = rp.browser();
    await signIn(browser, op, alice);
    const api = await browser.get('/api/account/export');
    expect(api.headers['www-authenticate']).toBe(`Bearer error="insufficient_user_authentication", acr_values="${MFA} ${HWK}", max_age="120"`);

    const page = await browser.get('/account/export');
    const url = new URL(page.headers['location'] as string);
    expect(url.searchParams.get('acr_values')).toBe(`${MFA} ${HWK}`);
    expect(url.searchParams.get('max_age')).toBe('120');
    const { callbackPath } = op.authorize(url.href, alice, { idTokenClaims: { acr: HWK, amr: ['hwk'], auth_time: nowSeconds() } });
    expect((await browser.get(callbackPath)).status).toBe(303);
    expect((await browser.get('/api/account/export')).status).toBe(200);
  });
});
