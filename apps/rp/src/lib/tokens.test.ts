import { isTokenShaped, randomToken, sha256Base64Url, timingSafeEqualString } from './tokens.js';

describe('randomToken', () => {
  it('is 32 random bytes in base64url', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(token);
    expect(isTokenShaped(token)).toBe(true);
  });

  it('isTokenShaped refuses anything else', () => {
    expect(isTokenShaped('')).toBe(false);
    expect(isTokenShaped('a'.repeat(42))).toBe(false);
    expect(isTokenShaped(`${'a'.repeat(42)}=`)).toBe(false);
    expect(isTokenShaped('a'.repeat(44))).toBe(false);
  });
});

describe('sha256Base64Url', () => {
  it('matches the known digest of "abc"', () => {
    expect(sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('timingSafeEqualString', () => {
  it('compares exactly, whatever the lengths', () => {
    expect(timingSafeEqualString('secret', 'secret')).toBe(true);
    expect(timingSafeEqualString('secret', 'secreT')).toBe(false);
    expect(timingSafeEqualString('secret', 'secret-longer')).toBe(false);
    expect(timingSafeEqualString('', '')).toBe(true);
    expect(timingSafeEqualString('', 'x')).toBe(false);
  });
});
