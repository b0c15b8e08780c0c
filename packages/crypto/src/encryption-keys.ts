import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

import { CryptoError, toCryptoError } from './errors.js';
import type { JweAlg } from './jwe-algorithms.js';
import { isJweAlg, jwkFitsJweAlg } from './jwe-algorithms.js';
import type { Kty } from './keys.js';
import { isRecord, pickMaterial } from './keys.js';

/**
 * An encryption key pair as a relying party would hold it: the public JWK to register
 * (`use: 'enc'`, `alg`, `kid` = RFC 7638 thumbprint) and the private JWK to decrypt with.
 *
 * @example
 * ```ts
 * const key: EncryptionKeyPair = await generateEncryptionKey('RSA-OAEP-256');
 * await register({ jwks: { keys: [key.publicJwk] }, id_token_encrypted_response_alg: key.alg });
 * ```
 */
export interface EncryptionKeyPair {
  kid: string;
  alg: JweAlg;
  publicJwk: EncryptionJwk;
  privateJwk: EncryptionJwk;
}

/**
 * An encryption JWK: key material plus `kid`, `alg` and `use: 'enc'` (the private one also
 * carries `d`, and for RSA the CRT members).
 *
 * @example
 * ```ts
 * const jwk: EncryptionJwk = (await generateEncryptionKey('ECDH-ES')).publicJwk;
 * // { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ECDH-ES', use: 'enc' }
 * ```
 */
export interface EncryptionJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  alg: JweAlg;
  use: 'enc';
  [member: string]: string;
}

/** The curves an ECDH-ES key may use. */
export type EcdhCurve = 'P-256' | 'P-384' | 'P-521' | 'X25519';

/**
 * Generates an encryption key pair for `alg`: RSA 2048 for `RSA-OAEP*`, P-256 (or
 * `options.crv`) for `ECDH-ES*`. For clients and tests; the OP itself only encrypts to
 * clients' keys.
 *
 * @throws {@link CryptoError} `ERR_UNSUPPORTED_ALG` for anything but a `JweAlg`.
 *
 * @example
 * ```ts
 * const key = await generateEncryptionKey('ECDH-ES+A256KW', { crv: 'X25519' });
 * ```
 */
export async function generateEncryptionKey(alg: JweAlg, options: { crv?: EcdhCurve } = {}): Promise<EncryptionKeyPair> {
  if (!isJweAlg(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `cannot generate an encryption key for ${String(alg)}`);
  const rsa = alg.startsWith('RSA-OAEP');
  if (!rsa && options.crv !== undefined && !['P-256', 'P-384', 'P-521', 'X25519'].includes(options.crv)) {
    throw new CryptoError('ERR_UNSUPPORTED_ALG', `unsupported curve ${String(options.crv)}`);
  }
  try {
    const shape = rsa ? { modulusLength: 2048 } : { crv: options.crv ?? 'P-256' };
    const pair = await generateKeyPair(alg, { extractable: true, ...shape });
    const exported = (await exportJWK(pair.privateKey)) as Record<string, unknown>;
    const kty = exported['kty'] as Kty;
    const material = pickMaterial(exported, kty, false);
    const kid = await calculateJwkThumbprint(material as JWK, 'sha256');
    const publicJwk = { ...material, kid, alg, use: 'enc' } as EncryptionJwk;
    const privateJwk = { ...publicJwk, ...pickMaterial(exported, kty, true) } as EncryptionJwk;
    return { kid, alg, publicJwk, privateJwk };
  } catch (err) {
    throw toCryptoError(err, 'ERR_KEY_INVALID');
  }
}

const ENCRYPT_OPS = ['encrypt', 'wrapKey', 'deriveKey', 'deriveBits'];

/** Whether a public JWK may be used to encrypt with `alg` (use, alg, key_ops, kty/crv). Internal. */
export function usableForEncryption(jwk: Record<string, unknown>, alg: JweAlg): boolean {
  if (jwk['use'] !== undefined && jwk['use'] !== 'enc') return false;
  if (jwk['alg'] !== undefined && jwk['alg'] !== alg) return false;
  const ops = jwk['key_ops'];
  if (ops !== undefined && !(Array.isArray(ops) && ops.some((op) => ENCRYPT_OPS.includes(op as string)))) return false;
  return jwkFitsJweAlg(jwk, alg);
}

/**
 * Picks the recipient's key for `alg` from its JWKS (OIDC Core §10.2): a key of the right type
 * and curve whose `use` is `enc` or absent and whose `alg`, if given, is `alg`. Keys that say
 * `use: 'enc'` and name `alg` are preferred, then the first in document order. Returns a copy.
 *
 * @throws {@link CryptoError} `ERR_JWKS_NO_MATCHING_KEY` when no key fits,
 * `ERR_UNSUPPORTED_ALG` when `alg` is not a `JweAlg`, `ERR_KEY_INVALID` for a malformed JWKS.
 *
 * @example
 * ```ts
 * const jwk = selectEncryptionKey(await clientKeys.jwksFor(client), 'RSA-OAEP-256');
 * const jwe = await encryptJwt(idToken, jwk, { alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' });
 * ```
 */
export function selectEncryptionKey(jwks: { keys: unknown[] }, alg: JweAlg): Record<string, unknown> {
  if (!isJweAlg(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `unsupported JWE alg ${String(alg)}`);
  if (!isRecord(jwks) || !Array.isArray(jwks.keys)) {
    throw new CryptoError('ERR_KEY_INVALID', 'JWKS must be an object with a "keys" array');
  }
  const candidates = jwks.keys.filter(isRecord).filter((jwk) => usableForEncryption(jwk, alg));
  const score = (jwk: Record<string, unknown>) => (jwk['use'] === 'enc' ? 2 : 0) + (jwk['alg'] === alg ? 1 : 0);
  const best = candidates.reduce<Record<string, unknown> | undefined>(
    (chosen, jwk) => (chosen === undefined || score(jwk) > score(chosen) ? jwk : chosen),
    undefined,
  );
  if (best === undefined) throw new CryptoError('ERR_JWKS_NO_MATCHING_KEY', `no key in the JWKS can be used for ${alg}`);
  return { ...best };
}
