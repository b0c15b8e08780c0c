import { decodeJwt, decodeProtectedHeader } from 'jose';

import { CryptoError } from './errors.js';

/**
 * Decodes a compact JWT **without verifying it**. Use it only to route a token before
 * verification (e.g. read `iss` to pick a tenant's JWKS); never trust the result.
 *
 * @throws {@link CryptoError} `ERR_JWT_MALFORMED` unless the input is three base64url parts
 * whose header and payload are JSON objects.
 *
 * @example
 * ```ts
 * const { payload } = decodeJwtUnverified(logoutToken);
 * const tenant = await findTenantByIssuer(String(payload.iss)); // then verify with its JWKS
 * ```
 */
export function decodeJwtUnverified(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new CryptoError('ERR_JWT_MALFORMED', 'not a compact JWT');
  }
  try {
    const header = decodeProtectedHeader(token) as Record<string, unknown>;
    const payload = decodeJwt(token) as Record<string, unknown>;
    return { header: { ...header }, payload: { ...payload } };
  } catch (err) {
    throw new CryptoError('ERR_JWT_MALFORMED', err instanceof Error ? err.message : 'invalid JWT', { cause: err });
  }
}
