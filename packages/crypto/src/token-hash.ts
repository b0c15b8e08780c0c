import { createHash } from 'node:crypto';

import { CryptoError } from './errors.js';

const SHA2_BY_SIZE: Readonly<Record<string, string>> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** The hash the OIDC token-hash rule picks for a JWS `alg` (checklist §11), or undefined. */
function hashFor(alg: string): string | undefined {
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'sha512';
  if (alg === 'ES256K') return 'sha256';
  const size = /^(?:RS|PS|ES|HS)(256|384|512)$/.exec(alg)?.[1];
  return size === undefined ? undefined : SHA2_BY_SIZE[size];
}

/**
 * `at_hash` / `c_hash` / `s_hash` for `value` under the ID Token's `alg`:
 * base64url of the left half of `H(ASCII(value))`, where `H` is SHA-256/384/512 for `*256`,
 * `*384`, `*512`, and SHA-512 for `EdDSA` (Ed25519 keys only) and `Ed25519`
 * (OIDC Core §3.1.3.6, §3.3.2.11; Token Hash Algorithm guide §2).
 *
 * @throws {@link CryptoError} `ERR_UNSUPPORTED_ALG` for `none`, `Ed448` (SHAKE256) and anything
 * else without a defined hash.
 *
 * @example
 * ```ts
 * const claims = { ...base, at_hash: tokenHash(accessToken, 'RS256'), c_hash: tokenHash(code, 'RS256') };
 * ```
 */
export function tokenHash(value: string, alg: string): string {
  const hash = typeof alg === 'string' ? hashFor(alg) : undefined;
  if (hash === undefined) throw new CryptoError('ERR_UNSUPPORTED_ALG', `no token hash is defined for alg ${String(alg)}`);
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
