import { errors } from 'jose';

/**
 * Every code a {@link CryptoError} can carry. The list is closed: a new code is a breaking change.
 *
 * @example
 * ```ts
 * CRYPTO_ERROR_CODES.includes('ERR_JWT_EXPIRED'); // true
 * ```
 */
export const CRYPTO_ERROR_CODES = [
  'ERR_JWT_MALFORMED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_INVALID',
  'ERR_JWS_SIGNATURE_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_UNSUPPORTED_ALG',
  'ERR_NO_SIGNING_KEY',
  'ERR_KEY_INVALID',
  'ERR_JWE_DECRYPTION_FAILED',
] as const;

/**
 * Why a crypto operation failed.
 *
 * - `ERR_JWT_MALFORMED`: not a compact JWS/JWT, bad base64url or JSON, payload not an object,
 *   or a `crit` header this package does not understand.
 * - `ERR_JWT_EXPIRED`: `exp` is in the past (beyond the clock tolerance).
 * - `ERR_JWT_CLAIM_INVALID`: `iss`, `aud`, `typ`, `nbf`, a required claim, or a time claim of the
 *   wrong type.
 * - `ERR_JWS_SIGNATURE_INVALID`: the signature does not verify with the selected key.
 * - `ERR_JWKS_NO_MATCHING_KEY`: no key (or more than one key) matches the header's `kid`/`alg`.
 * - `ERR_ALG_NOT_ALLOWED`: the header `alg` is not in the allowed list (`none` and `HS*` never are).
 * - `ERR_UNSUPPORTED_ALG`: the algorithm is not one this package can use for the operation.
 * - `ERR_NO_SIGNING_KEY`: the key set has no active key for the requested algorithm.
 * - `ERR_KEY_INVALID`: a stored key or JWKS is malformed, inconsistent or too weak.
 * - `ERR_JWE_DECRYPTION_FAILED`: a JWE did not decrypt with the given key (wrong key, or the
 *   ciphertext or tag was altered). A malformed JWE is `ERR_JWT_MALFORMED`.
 *
 * @example
 * ```ts
 * function status(code: CryptoErrorCode): number {
 *   return code === 'ERR_NO_SIGNING_KEY' ? 500 : 400;
 * }
 * ```
 */
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/**
 * The only error class this package throws for crypto failures (argument-type mistakes are plain
 * `TypeError`/`RangeError`). Branch on `code`, never on `message`; the underlying `jose` error,
 * if any, is kept as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await keys.verify(idTokenHint, { issuer });
 * } catch (err) {
 *   if (!(err instanceof CryptoError)) throw err;
 *   switch (err.code) {
 *     case 'ERR_JWT_EXPIRED':
 *       return 'login_required';
 *     default:
 *       return 'invalid_request';
 *   }
 * }
 * ```
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

const FROM_JOSE: Readonly<Record<string, CryptoErrorCode>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_ALG_NOT_ALLOWED',
  ERR_JOSE_NOT_SUPPORTED: 'ERR_UNSUPPORTED_ALG',
  ERR_JWK_INVALID: 'ERR_KEY_INVALID',
  ERR_JWKS_INVALID: 'ERR_KEY_INVALID',
  ERR_JWKS_NO_MATCHING_KEY: 'ERR_JWKS_NO_MATCHING_KEY',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ERR_JWKS_NO_MATCHING_KEY',
  ERR_JWS_INVALID: 'ERR_JWT_MALFORMED',
  ERR_JWT_INVALID: 'ERR_JWT_MALFORMED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_JWS_SIGNATURE_INVALID',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'ERR_JWT_CLAIM_INVALID',
  ERR_JWT_EXPIRED: 'ERR_JWT_EXPIRED',
  ERR_JWE_INVALID: 'ERR_JWT_MALFORMED',
  ERR_JWE_DECRYPTION_FAILED: 'ERR_JWE_DECRYPTION_FAILED',
};

/**
 * Converts anything thrown by `jose` (or WebCrypto underneath it) into a {@link CryptoError}.
 * Known jose codes map one to one; anything else (jose's `TypeError`s, `DOMException`s) gets
 * `fallback`, chosen by the caller for the operation it was doing. Internal.
 */
export function toCryptoError(err: unknown, fallback: CryptoErrorCode): CryptoError {
  if (err instanceof CryptoError) return err;
  const message = err instanceof Error ? err.message : 'crypto operation failed';
  const code = err instanceof errors.JOSEError ? (FROM_JOSE[err.code] ?? fallback) : fallback;
  return new CryptoError(code, message, { cause: err });
}
