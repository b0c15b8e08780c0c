import { decodeJwtUnverified } from './decode.js';
import { generateSigningKey } from './keys.js';
import { KeySet } from './key-set.js';
import { encodeUnsecuredJwt } from './unsecured.js';
import { verifyJwtWithJwks } from './verify.js';

describe('encodeUnsecuredJwt', () => {
  it('encodes header {"alg":"none"}, the payload, and an empty signature', () => {
    const token = encodeUnsecuredJwt({ iss: 'https://op.example', sub: 'u1' });
    expect(token.endsWith('.')).toBe(true);
    expect(decodeJwtUnverified(token)).toEqual({ header: { alg: 'none' }, payload: { iss: 'https://op.example', sub: 'u1' } });
  });

  it('produces tokens this package never accepts', async () => {
    const keys = await KeySet.load([await generateSigningKey('RS256')]);
    const token = encodeUnsecuredJwt({ sub: 'u1' });
    await expect(keys.verify(token, {})).rejects.toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
    await expect(verifyJwtWithJwks(token, keys.publicJwks(), { algorithms: ['none'] })).rejects.toMatchObject({
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  });

  it('refuses a payload that is not a plain object', () => {
    expect(() => encodeUnsecuredJwt([] as never)).toThrow(expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }));
  });
});
