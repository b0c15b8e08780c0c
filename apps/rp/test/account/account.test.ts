import { sha256Base64Url } from '../../src/lib/tokens.js';
import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp, type FakeUser } from '../helpers/fake-op.js';
import { sessionCookieFrom, signIn } from '../helpers/sign-in.js';

let op: FakeOp;
let rp: TestRp;

const frank: FakeUser = {
  sub: 'user-frank',
  email: 'frank@initech.example',
  name: 'Frank <b>Bold</b>',
  tenant: 'initech',
  tenant_name: 'Initech & Sons',
  acr: 'urn:oidc-ref:acr:mfa',
  amr: ['pwd', 'otp'],
};

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});

afterAll(() => fixture?.stop());

describe('GET /account', () => {
  it('redirects to / without a session', async () => {
    const response = await rp.browser().get('/account');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/');
  });

  it('redirects to / with an unknown or malformed session cookie', async () => {
    for (const value of ['x'.repeat(43), 'not a token', '']) {
      const response = await rp.browser().get('/account').set('Cookie', `rp_session=${value}`);
      expect(response.status).toBe(303);
    }
  });

  it('redirects to / with a pre-login (not signed-in) session', async () => {
    const browser = rp.browser();
    await browser.get('/login');
    expect((await browser.get('/account')).status).toBe(303);
  });

  it('redirects to / once the session has expired', async () => {
    const browser = rp.browser();
    const { callback } = await signIn(browser, op, frank);
    const id = sha256Base64Url(sessionCookieFrom(callback)!);
    expect((await browser.get('/account')).status).toBe(200);
    await rp.prisma.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await browser.get('/account')).status).toBe(303);
  });

  it('shows the lifecycle state, the acr and amr, and escapes what the OP sent', async () => {
    const browser = rp.browser();
    await signIn(browser, op, frank);
    await rp.prisma.account.updateMany({ where: { sub: 'user-frank' }, data: { state: 'suspended' } });
    const page = (await browser.get('/account')).text;
    expect(page).toContain('Frank &lt;b&gt;Bold&lt;/b&gt;');
    expect(page).toContain('Initech &amp; Sons');
    expect(page).toContain('urn:oidc-ref:acr:mfa');
    expect(page).toContain('pwd, otp');
    expect(page).toContain('>suspended<');
    expect(page).not.toContain('<b>Bold</b>');
    // A suspended account cannot sign in again (OpenID Provider Commands); put frank back.
    await rp.prisma.account.updateMany({ where: { sub: 'user-frank' }, data: { state: 'active' } });
  });

  it("never shows another tenant's account, even with a tampered session row", async () => {
    const browser = rp.browser();
    const { callback } = await signIn(browser, op, frank);
    const id = sha256Base64Url(sessionCookieFrom(callback)!);
    const other = await rp.prisma.tenant.create({ data: { issuer: op.issuer, externalId: 'umbrella', name: 'Umbrella' } });
    await rp.prisma.session.update({ where: { id }, data: { tenantId: other.id } });
    const response = await browser.get('/account');
    expect(response.status).toBe(303);
  });
});
