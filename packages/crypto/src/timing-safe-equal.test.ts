import { timingSafeEqualString } from './timing-safe-equal.js';

describe('timingSafeEqualString', () => {
  it('is true for equal strings', () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(timingSafeEqualString(challenge, ['E9Melhoa2OwvFrEMTJguCHa', 'oeK1t8URWbuGJSstw-cM'].join(''))).toBe(true);
    expect(timingSafeEqualString('', '')).toBe(true);
    expect(timingSafeEqualString('héllo', 'héllo')).toBe(true);
  });

  it('is false for same-length strings that differ anywhere', () => {
    expect(timingSafeEqualString('abcdef', 'Abcdef')).toBe(false);
    expect(timingSafeEqualString('abcdef', 'abcdeF')).toBe(false);
    expect(timingSafeEqualString('abcdef', 'abCdef')).toBe(false);
  });

  it('is false, without throwing, for different lengths', () => {
    expect(timingSafeEqualString('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualString('abcd', 'abc')).toBe(false);
    expect(timingSafeEqualString('', 'a')).toBe(false);
    expect(timingSafeEqualString('a'.repeat(10_000), 'a')).toBe(false);
  });

  it('compares code points exactly, with no Unicode normalisation', () => {
    expect(timingSafeEqualString('\u00e9', 'e\u0301')).toBe(false);
  });

  it('is false for non-string input from untyped callers', () => {
    expect(timingSafeEqualString(undefined as unknown as string, 'undefined')).toBe(false);
  });
});
