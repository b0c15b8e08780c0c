import { decodeJwtUnverified } from './decode.js';
import { CryptoError } from './errors.js';

const b64u = (value: string): string => Buffer.from(value).toString('base64url');

describe('decodeJwtUnverified', () => {
  it('returns header and payload without checking the signature', () => {
    const token = `${b64u('{"alg":"RS256","kid":"k1"}')}.${b64u('{"iss":"https://op","sub":"u"}')}.not-a-signature`;
    expect(decodeJwtUnverified(token)).toEqual({
      header: { alg: 'RS256', kid: 'k1' },
      payload: { iss: 'https://op', sub: 'u' },
    });
  });

  it.each([
    ['an empty string', ''],
    ['two parts', `${b64u('{"alg":"none"}')}.${b64u('{}')}`],
    ['a JWE (five parts)', 'a.b.c.d.e'],
    ['a header that is not JSON', `${b64u('{x')}.${b64u('{}')}.s`],
    ['a payload that is not JSON', `${b64u('{"alg":"none"}')}.${b64u('hello')}.s`],
    ['a payload that is an array', `${b64u('{"alg":"none"}')}.${b64u('[1,2]')}.s`],
    ['a header that is a string', `${b64u('"RS256"')}.${b64u('{}')}.s`],
  ])('throws ERR_JWT_MALFORMED for %s', (_label, token) => {
    let caught: unknown;
    try {
      decodeJwtUnverified(token);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CryptoError);
    expect(caught).toHaveProperty('code', 'ERR_JWT_MALFORMED');
  });

  it('throws ERR_JWT_MALFORMED for a non-string', () => {
    expect(() => decodeJwtUnverified(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }),
    );
  });
});
