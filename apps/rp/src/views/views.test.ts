import { createHash } from 'node:crypto';

import { accountExportPage } from './account-export-page.js';
import { accountPage, formatClaim, orderClaims } from './account-page.js';
import { errorPage } from './error-page.js';
import { STYLESHEET, STYLESHEET_CSP_HASH } from './layout.js';

describe('account page helpers', () => {
  it('orders well-known claims first, then the rest alphabetically', () => {
    expect(orderClaims({ zeta: 1, tenant: 'acme', alpha: 2, acr: 'x', iss: 'i', sub: 's' })).toEqual([
      'iss',
      'sub',
      'acr',
      'tenant',
      'alpha',
      'zeta',
    ]);
  });

  it('formats time claims, lists and objects', () => {
    expect(formatClaim('auth_time', 0)).toBe('1970-01-01 00:00:00 UTC (0)');
    expect(formatClaim('amr', ['pwd', 'otp'])).toBe('pwd, otp');
    expect(formatClaim('aud', 'rp')).toBe('rp');
    expect(formatClaim('address', { country: 'FR' })).toBe('{"country":"FR"}');
    expect(formatClaim('email_verified', true)).toBe('true');
  });
});

describe('error page', () => {
  it('escapes the OP error and shows no stack', () => {
    const page = errorPage({
      title: 'Sign-in was not completed',
      message: 'The identity provider did not complete the sign-in.',
      code: 'op_error',
      opError: { error: '<img src=x>', error_description: '"quoted" & <b>bold</b>' },
    });
    expect(page).toContain('<code>&lt;img src=x&gt;</code>');
    expect(page).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(page).toContain('href="/login"');
  });
});

describe('error page links', () => {
  it('offers the action again, nothing, or the default sign-in retry', () => {
    const retry = errorPage({ title: 't', message: 'm', code: 'step_up_failed', retryPath: '/account/export?prompt=login' });
    expect(retry).toContain('href="/account/export?prompt=login">Try again');
    expect(retry).toContain('href="/account">Back to your account');
    const none = errorPage({ title: 't', message: 'm', code: 'step_up_unmet', retryPath: null });
    expect(none).not.toContain('Try again');
    expect(none).toContain('href="/account"');
    expect(errorPage({ title: 't', message: 'm', code: 'step_up_wrong_user' })).toContain('href="/login">Sign in');
    expect(errorPage({ title: 't', message: 'm', code: 'sign_in_failed' })).toContain('href="/login">Try again');
    expect(errorPage({ title: 't', message: 'm', code: 'not_found' })).not.toContain('/login');
  });
});

describe('account pages', () => {
  const account = {
    sub: 'alice',
    email: '<alice>@example.com',
    name: null,
    state: 'active',
    lastLoginAt: new Date(0),
    createdAt: new Date(0),
    authenticationProvider: 'op',
  };
  const tenant = { name: 'Acme', externalId: 'acme', issuer: 'https://op', personal: false };

  it('offers "Export my data" on the account page', () => {
    const page = accountPage({ account, roles: [], tenant, idTokenClaims: {}, csrfToken: 'c' });
    expect(page).toContain('<a class="button" href="/account/export">Export my data</a>');
  });

  it('shows the lifecycle state, the RP roles and who manages sign-in', () => {
    const page = accountPage({ account: { ...account, state: 'suspended', authenticationProvider: 'op_migration' }, roles: ['admin', 'viewer'], tenant, idTokenClaims: {}, csrfToken: 'c' });
    expect(page).toContain('data-state="suspended"');
    expect(page).toContain('data-role="admin"');
    expect(page).toContain('data-role="viewer"');
    expect(page).not.toContain('data-role="editor"');
    expect(page).toContain('data-authentication-provider="op_migration"');
    expect(accountPage({ account, roles: [], tenant, idTokenClaims: {}, csrfToken: 'c' })).not.toContain('data-role=');
  });

  it('shows the export as escaped JSON with the authentication it was allowed on', () => {
    const page = accountExportPage({
      data: {
        exportedAt: '2026-11-22T12:00:00.000Z',
        account: { ...account, createdAt: 'c', lastLoginAt: 'l' },
        tenant,
        claims: { id_token: { name: '<script>alert(1)</script>' } },
      },
      authentication: { acr: 'urn:oidc-ref:acr:mfa', amr: ['pwd', 'otp', 'mfa'], auth_time: 0 },
    });
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&quot;email&quot;: &quot;&lt;alice&gt;@example.com&quot;');
    expect(page).toContain('<code>urn:oidc-ref:acr:mfa</code>');
    expect(page).toContain('pwd, otp, mfa');
    expect(page).toContain('1970-01-01 00:00:00 UTC');
  });
});

describe('layout', () => {
  it('publishes the CSP hash of exactly the inlined stylesheet', () => {
    const expected = createHash('sha256').update(STYLESHEET).digest('base64');
    expect(STYLESHEET_CSP_HASH).toBe(`'sha256-${expected}'`);
    expect(errorPage({ title: 't', message: 'm', code: 'not_found' })).toContain(`<style>${STYLESHEET}</style>`);
  });
});
