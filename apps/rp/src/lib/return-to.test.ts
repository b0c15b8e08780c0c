import { DEFAULT_RETURN_TO, safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it.each([
    ['/account', '/account'],
    ['/account?tab=claims#top', '/account?tab=claims#top'],
    ['/a/../account', '/account'],
    ['/', '/'],
  ])('keeps the same-site path %s', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    ['protocol-relative', '//evil.example/x'],
    ['absolute https', 'https://evil.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['backslash', '/\\evil.example'],
    ['backslashes', '\\\\evil.example'],
    ['relative without slash', 'account'],
    ['tab inside', '/\t/evil.example'],
    ['newline', '/account\nSet-Cookie: x'],
    ['empty', ''],
    ['too long', `/${'a'.repeat(2048)}`],
  ])('refuses %s', (_name, input) => {
    expect(safeReturnTo(input)).toBeUndefined();
  });

  it('refuses non-strings (e.g. repeated query parameters)', () => {
    expect(safeReturnTo(['/a', '/b'])).toBeUndefined();
    expect(safeReturnTo(undefined)).toBeUndefined();
    expect(safeReturnTo({ toString: () => '/x' })).toBeUndefined();
  });

  it('has a same-site default', () => {
    expect(safeReturnTo(DEFAULT_RETURN_TO)).toBe(DEFAULT_RETURN_TO);
  });
});
