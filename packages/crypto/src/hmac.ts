import { SignJWT } from 'jose';

import { CryptoError } from './errors.js';
import { verifyCompactJwt, type VerifyOptions, type VerifyResult } from './verify.js';

/** The HMAC algorithms of client_secret_jwt and HS* request objects (OIDC Core §9, §10.1). */
export type HmacAlg = 'HS256' | 'HS384' | 'HS512';
export const HMAC_ALGS: readonly HmacAlg[] = Object.freeze(['HS256', 'HS384', 'HS512']);

const isHmac = (alg: string): boolean => (HMAC_ALGS as readonly string[]).includes(alg);
const keyFrom = (secret: string): Uint8Array => {
  if (typeof secret !== 'string' || secret === '') throw new CryptoError('ERR_KEY_INVALID', 'an HMAC secret is required');
  return new TextEncoder().encode(secret);
};

/**
 * Verifies a JWT signed with a shared secret (the client_secret octets, OIDC Core §10.1). Only
 * HS256/384/512 are accepted: never `none`, never an asymmetric alg (which would let a public
 * key be used as an HMAC secret). Claims are checked as in `verifyJwtWithJwks`.
 *
 * @example
 * ```ts
 * const { payload } = await verifyJwtWithSecret(assertion, client.secret, {
 *   issuer: client.id, audience: opIssuer, requiredClaims: ['jti', 'exp'],
 * });
 * ```
 */
export async function verifyJwtWithSecret(token: string, secret: string, options: VerifyOptions): Promise<VerifyResult> {
  const key = keyFrom(secret);
  return verifyCompactJwt(token, () => key as never, HMAC_ALGS, options, isHmac);
}

/**
 * Signs a JWT with a shared secret (HS256 by default): client assertions for
 * client_secret_jwt, and test fixtures.
 *
 * @example
 * ```ts
 * const assertion = await signJwtWithSecret({ iss: id, sub: id, aud: issuer, jti, exp }, secret);
 * ```
 */
export async function signJwtWithSecret(
  payload: Record<string, unknown>,
  secret: string,
  options: { alg?: HmacAlg; typ?: string } = {},
): Promise<string> {
  const alg = options.alg ?? 'HS256';
  if (!isHmac(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `${alg} is not an HMAC algorithm`);
  return new SignJWT(payload).setProtectedHeader({ alg, ...(options.typ ? { typ: options.typ } : {}) }).sign(keyFrom(secret));
}
