import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CRYPTO_ERROR_CODES',
        'CryptoError',
        'HMAC_ALGS',
        'signJwtWithSecret',
        'verifyJwtWithSecret',
        'KeySet',
        'SIGNING_ALGS',
        'decodeJwtUnverified',
        'generateSigningKey',
        'hashPassword',
        'isSigningAlg',
        'jwkThumbprint',
        'pkceS256Challenge',
        'randomToken',
        'sha256Base64Url',
        'timingSafeEqualString',
        'tokenHash',
        'verifyJwtWithJwks',
        'verifyPassword',
        'JWE_ALGS',
        'JWE_ENCS',
        'isJweAlg',
        'isJweEnc',
        'generateEncryptionKey',
        'selectEncryptionKey',
        'encryptJwt',
        'decryptJwt',
        'encodeUnsecuredJwt',
      ].sort(),
    );
  });
});
