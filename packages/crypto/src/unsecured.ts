import { CryptoError } from './errors.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Encodes an Unsecured JWT (RFC 7519 §6, header `{"alg":"none"}`, empty signature). OIDC allows
 * it for ID tokens only when the client registered `id_token_signed_response_alg: none` and the
 * token comes from the token endpoint of a code flow (OIDC Core §2, Registration §2); enforcing
 * that is the caller's job. Nothing in this package ever *accepts* `alg: none`.
 *
 * @throws {@link CryptoError} `ERR_JWT_MALFORMED` when the payload is not a plain object.
 *
 * @example
 * ```ts
 * const idToken = encodeUnsecuredJwt({ iss, sub, aud: clientId, iat: now, exp: now + 300 });
 * ```
 */
export function encodeUnsecuredJwt(payload: Record<string, unknown>): string {
  if (!isPlainObject(payload)) throw new CryptoError('ERR_JWT_MALFORMED', 'JWT payload must be a plain object');
  const encode = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${encode({ alg: 'none' })}.${encode(payload)}.`;
}
