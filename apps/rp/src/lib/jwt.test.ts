import { decodeVerifiedJwtPayload } from './jwt.js';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('decodeVerifiedJwtPayload', () => {
  it('returns the payload object of a compact JWS', () => {
    expect(decodeVerifiedJwtPayload(`${part({ alg: 'ES256' })}.${part({ sub: 'a', amr: ['pwd'] })}.sig`)).toEqual({
      sub: 'a',
      amr: ['pwd'],
    });
  });

  it.each([
    ['two parts', `${part({})}.${part({ sub: 'a' })}`],
    ['five parts (JWE)', 'a.b.c.d.e'],
    ['a non-JSON payload', `${part({})}.bm90IGpzb24.sig`],
    ['an array payload', `${part({})}.${part([1])}.sig`],
    ['an empty payload', `${part({})}..sig`],
  ])('returns undefined for %s', (_name, value) => {
    expect(decodeVerifiedJwtPayload(value)).toBeUndefined();
  });
});
