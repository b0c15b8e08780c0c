import { errors } from 'jose';

import { CRYPTO_ERROR_CODES, CryptoError, toCryptoError } from './errors.js';

describe('CryptoError', () => {
  it('is an Error with a name, a code and an optional cause', () => {
    const cause = new Error('root');
    const error = new CryptoError('ERR_KEY_INVALID', 'bad key', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CryptoError');
    expect(error.code).toBe('ERR_KEY_INVALID');
    expect(error.message).toBe('bad key');
    expect(error.cause).toBe(cause);
  });

  it('lists the ten codes of the closed union', () => {
    expect([...CRYPTO_ERROR_CODES].sort()).toEqual(
      [
        'ERR_ALG_NOT_ALLOWED',
        'ERR_JWKS_NO_MATCHING_KEY',
        'ERR_JWS_SIGNATURE_INVALID',
        'ERR_JWT_CLAIM_INVALID',
        'ERR_JWT_EXPIRED',
        'ERR_JWT_MALFORMED',
        'ERR_KEY_INVALID',
        'ERR_NO_SIGNING_KEY',
        'ERR_UNSUPPORTED_ALG',
        'ERR_JWE_DECRYPTION_FAILED',
      ].sort(),
    );
  });
});

describe('toCryptoError', () => {
  it.each<[Error, string]>([
    [new errors.JOSEAlgNotAllowed('x'), 'ERR_ALG_NOT_ALLOWED'],
    [new errors.JOSENotSupported('x'), 'ERR_UNSUPPORTED_ALG'],
    [new errors.JWKInvalid('x'), 'ERR_KEY_INVALID'],
    [new errors.JWKSInvalid('x'), 'ERR_KEY_INVALID'],
    [new errors.JWKSNoMatchingKey(), 'ERR_JWKS_NO_MATCHING_KEY'],
    [new errors.JWKSMultipleMatchingKeys(), 'ERR_JWKS_NO_MATCHING_KEY'],
    [new errors.JWSInvalid('x'), 'ERR_JWT_MALFORMED'],
    [new errors.JWTInvalid('x'), 'ERR_JWT_MALFORMED'],
    [new errors.JWSSignatureVerificationFailed(), 'ERR_JWS_SIGNATURE_INVALID'],
    [new errors.JWTClaimValidationFailed('x', {}), 'ERR_JWT_CLAIM_INVALID'],
    [new errors.JWTExpired('x', {}), 'ERR_JWT_EXPIRED'],
    [new errors.JWEDecryptionFailed(), 'ERR_JWE_DECRYPTION_FAILED'],
    [new errors.JWEInvalid('x'), 'ERR_JWT_MALFORMED'],
    [new TypeError('jose type error'), 'ERR_KEY_INVALID'],
  ])('maps %p to %s and keeps it as cause', (joseError, code) => {
    const mapped = toCryptoError(joseError, 'ERR_KEY_INVALID');
    expect(mapped).toBeInstanceOf(CryptoError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(joseError);
  });

  it('passes CryptoErrors through unchanged', () => {
    const original = new CryptoError('ERR_NO_SIGNING_KEY', 'none');
    expect(toCryptoError(original, 'ERR_KEY_INVALID')).toBe(original);
  });

  it('uses the fallback for non-Error throwables', () => {
    expect(toCryptoError('boom', 'ERR_JWT_MALFORMED')).toMatchObject({ code: 'ERR_JWT_MALFORMED' });
  });
});
