import { sha256Base64Url } from '../../src/lib/tokens.js';
import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp, type FakeUser } from '../helpers/fake-op.js';
import { sessionCookieFrom, sessionSetCookie, signIn } from '../helpers/sign-in.js';

let op: FakeOp;
let rp: TestRp;

const alice: FakeUser = {
  sub: 'user-alice',
  email: 'alice@acme.example',
  name: 'Alice Liddell',
  tenant: 'acme',
  tenant_name: 'Acme Corporation',
};

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});

afterAll(() => fixture?.stop());

describe('sign-in', () => {
  it('sends an authorization code request with PKCE S256, state, nonce and the registered redirect URI', async () => {
    const browser = rp.browser();
    const login = await browser.get('/login');
    expect(login.status).toBe(303);
    const url = new URL(login.headers['location'] as string);
    expect(`${url.origin}${url.pathname}`).toBe(`${op.issuer}/authorize`);
    const params = url.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(op.clientId);
    expect(params.get('redirect_uri')).toBe('http://localhost:3000/callback');
    expect(params.get('scope')).toBe('openid email profile');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('state')).not.toBe(params.get('nonce'));

    // The pending sign-in lives server-side; the cookie is an opaque value whose hash is the row id.
    const cookie = sessionSetCookie(login);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    const value = sessionCookieFrom(login)!;
    const row = await rp.prisma.session.findUnique({ where: { id: sha256Base64Url(value) } });
    expect(row?.loginState).toMatchObject({ state: params.get('state'), nonce: params.get('nonce') });
    expect(row?.accountId).toBeNull();
    expect(await rp.prisma.session.findUnique({ where: { id: value } })).toBeNull();
  });

  it('lands on /account showing the tenant, the email and the ID token claims', async () => {
    const browser = rp.browser();
    const { callback } = await signIn(browser, op, alice);
    expect(callback.status).toBe(303);
    expect(callback.headers['location']).toBe('/account');
    expect(op.tokenRequests.at(-1)).toEqual({ authorized: true, grantType: 'authorization_code' });

    const account = await browser.get('/account');
    expect(account.status).toBe(200);
    expect(account.headers['cache-control']).toBe('no-store');
    expect(account.text).toContain('alice@acme.example');
    expect(account.text).toContain('Alice Liddell');
    expect(account.text).toContain('user-alice');
    expect(account.text).toContain('Acme Corporation');
    expect(account.text).toContain('<code>acme</code>');
    expect(account.text).toContain('urn:oidc-ref:acr:pwd');
    expect(account.text).toMatch(/auth_time[\s\S]*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(account.text).toContain('>active<');

    const home = await browser.get('/');
    expect(home.text).toContain('href="/account"');
    expect(home.text).not.toContain('href="/login"');
  });

  it('creates the tenant and the account, and updates them on the next sign-in instead of duplicating', async () => {
    const bob: FakeUser = { sub: 'user-bob', email: 'bob@globex.example', name: 'Bob', tenant: 'globex', tenant_name: 'Globex' };
    await signIn(rp.browser(), op, bob);
    const tenant = await rp.prisma.tenant.findUniqueOrThrow({
      where: { issuer_externalId: { issuer: op.issuer, externalId: 'globex' } },
    });
    expect(tenant.name).toBe('Globex');
    const first = await rp.prisma.account.findUniqueOrThrow({ where: { issuer_sub: { issuer: op.issuer, sub: 'user-bob' } } });
    expect(first).toMatchObject({ tenantId: tenant.id, email: 'bob@globex.example', name: 'Bob', state: 'active' });
    expect(first.claims).toMatchObject({
      id_token: { sub: 'user-bob', tenant: 'globex', acr: 'urn:oidc-ref:acr:pwd', amr: ['pwd'] },
      userinfo: { sub: 'user-bob', email: 'bob@globex.example' },
    });

    const renamed: FakeUser = { ...bob, email: 'robert@globex.example', name: 'Robert', tenant_name: 'Globex Inc.' };
    const { callback } = await signIn(rp.browser(), op, renamed);
    expect(callback.status).toBe(303);

    expect(await rp.prisma.tenant.count({ where: { externalId: 'globex' } })).toBe(1);
    expect(await rp.prisma.account.count({ where: { sub: 'user-bob' } })).toBe(1);
    const second = await rp.prisma.account.findUniqueOrThrow({ where: { id: first.id } });
    expect(second).toMatchObject({ email: 'robert@globex.example', name: 'Robert' });
    expect(second.lastLoginAt.getTime()).toBeGreaterThanOrEqual(first.lastLoginAt.getTime());
    expect((await rp.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe('Globex Inc.');
  });

  it('regenerates the session at sign-in and stores the ID token and sid', async () => {
    const browser = rp.browser();
    const login = await browser.get('/login');
    const preLogin = sessionCookieFrom(login)!;
    const { callbackPath } = op.authorize(login.headers['location'] as string, alice);
    const callback = await browser.get(callbackPath);
    const signedIn = sessionCookieFrom(callback)!;

    expect(signedIn).toBeDefined();
    expect(signedIn).not.toBe(preLogin);
    expect(sessionSetCookie(callback)).toMatch(/Max-Age=28800/);
    expect(await rp.prisma.session.findUnique({ where: { id: sha256Base64Url(preLogin) } })).toBeNull();
    const session = await rp.prisma.session.findUniqueOrThrow({ where: { id: sha256Base64Url(signedIn) } });
    expect(session.loginState).toBeNull();
    expect(session.idToken?.split('.')).toHaveLength(3);
    expect(session.opSid).toMatch(/^sid-/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('replaces an abandoned pre-login session when an anonymous browser starts again', async () => {
    const browser = rp.browser();
    const first = sessionCookieFrom(await browser.get('/login'))!;
    const second = await browser.get('/login');
    const replacement = sessionCookieFrom(second)!;
    expect(replacement).not.toBe(first);
    expect(await rp.prisma.session.findUnique({ where: { id: sha256Base64Url(first) } })).toBeNull();
    const { callbackPath } = op.authorize(second.headers['location'] as string, alice);
    expect((await browser.get(callbackPath)).status).toBe(303);
  });

  it('signs a signed-in browser in again, replacing its session only when the callback succeeds', async () => {
    const browser = rp.browser();
    const old = sessionCookieFrom((await signIn(browser, op, alice)).callback)!;
    const login = await browser.get('/login');
    expect(sessionCookieFrom(login)).toBeUndefined();
    expect((await browser.get('/account')).status).toBe(200);
    const { callbackPath } = op.authorize(login.headers['location'] as string, alice);
    const callback = await browser.get(callbackPath);
    expect(callback.status).toBe(303);
    expect(sessionCookieFrom(callback)).not.toBe(old);
    expect(await rp.prisma.session.findUnique({ where: { id: sha256Base64Url(old) } })).toBeNull();
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('returns to a same-site returnTo, and ignores an off-site one', async () => {
    const local = await signIn(rp.browser(), op, alice, { returnTo: '/account?tab=claims' });
    expect(local.callback.headers['location']).toBe('/account?tab=claims');
    const offSite = await signIn(rp.browser(), op, alice, { returnTo: '//evil.example/steal' });
    expect(offSite.callback.headers['location']).toBe('/account');
    const absolute = await signIn(rp.browser(), op, alice, { returnTo: 'https://evil.example/' });
    expect(absolute.callback.headers['location']).toBe('/account');
  });

  it('lands users without an organisation in their personal tenant', async () => {
    const carol: FakeUser = { sub: 'user-carol', email: 'carol@mail.example', tenant: 'personal', tenant_name: 'Personal' };
    const browser = rp.browser();
    await signIn(browser, op, carol);
    const account = await browser.get('/account');
    expect(account.text).toContain('Personal');
    expect(account.text).toContain('>personal</span>');
    const row = await rp.prisma.account.findFirstOrThrow({ where: { sub: 'user-carol' }, include: { tenant: true } });
    expect(row.tenant.externalId).toBe('personal');
    expect(row.name).toBeNull();
  });
});
