import { parseCookieHeader } from './cookies.js';

describe('parseCookieHeader', () => {
  it('reads name=value pairs', () => {
    expect(parseCookieHeader('op_session=o; rp_session=abc_-123')).toEqual({ op_session: 'o', rp_session: 'abc_-123' });
  });

  it('keeps the first occurrence of a name', () => {
    expect(parseCookieHeader('rp_session=first; rp_session=second')['rp_session']).toBe('first');
  });

  it('decodes percent-encoding and quotes, and tolerates junk', () => {
    expect(parseCookieHeader('a=%20b; c="d"; junk; =nameless; e=%zz')).toEqual({ a: ' b', c: 'd', e: '%zz' });
  });

  it('handles a missing header and cannot be polluted through __proto__', () => {
    expect(parseCookieHeader(undefined)).toEqual({});
    const parsed = parseCookieHeader('__proto__=x; constructor=y');
    expect(parsed['__proto__']).toBe('x');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
