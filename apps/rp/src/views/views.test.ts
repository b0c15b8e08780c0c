import { createHash } from 'node:crypto';

import { formatClaim, orderClaims } from './account-page.js';
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

describe('layout', () => {
  it('publishes the CSP hash of exactly the inlined stylesheet', () => {
    const expected = createHash('sha256').update(STYLESHEET).digest('base64');
    expect(STYLESHEET_CSP_HASH).toBe(`'sha256-${expected}'`);
    expect(errorPage({ title: 't', message: 'm', code: 'not_found' })).toContain(`<style>${STYLESHEET}</style>`);
  });
});
