import type { CryptoKey, JWK } from 'jose';
import { CompactEncrypt, importJWK } from 'jose';

import { usableForEncryption } from './encryption-keys.js';
import { CryptoError, toCryptoError } from './errors.js';
import type { JweAlg, JweEnc } from './jwe-algorithms.js';
import { isJweAlg, isJweEnc } from './jwe-algorithms.js';
import type { Kty } from './keys.js';
import { invalid, isRecord, keyRejected, pickMaterial } from './keys.js';

/**
 * Options for {@link encryptJwt}.
 *
 * @example
 * ```ts
 * const options: EncryptOptions = { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' };
 * ```
 */
export interface EncryptOptions {
  alg: JweAlg;
  /** Default `A128CBC-HS256`, the OIDC default (Registration 1.0 §2). */
  enc?: JweEnc;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

async function importRecipientKey(jwk: unknown, alg: JweAlg): Promise<CryptoKey> {
  if (!isRecord(jwk)) throw invalid('the recipient JWK must be an object');
  if (!usableForEncryption(jwk, alg)) {
    throw invalid(`the recipient JWK cannot be used for ${alg} (key type, curve, use or alg)`);
  }
  const material = pickMaterial(jwk, jwk['kty'] as Kty, false);
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(material as JWK, alg, { extractable: false });
  } catch (err) {
    throw keyRejected(err);
  }
  if (key instanceof Uint8Array) throw invalid('symmetric keys are not supported');
  const { modulusLength } = key.algorithm as { modulusLength?: number };
  if (material.kty === 'RSA' && (modulusLength === undefined || modulusLength < 2048)) {
    throw invalid('RSA encryption keys must be at least 2048 bits');
  }
  return key;
}

/**
 * Encrypts to a recipient's public key as a compact JWE (RFC 7516). A **string** is taken to be
 * a compact JWS (sign-then-encrypt, OIDC Core §16.14) and gets `cty: "JWT"` (RFC 7519 §5.2); an
 * **object** is a JWT claims set, encrypted without a signature (UserInfo may do that, OIDC Core
 * §5.3.2). The header is `{ alg, enc, kid?, cty? }`, `kid` copied from the JWK. Only the public
 * members of `jwk` are used.
 *
 * @throws {@link CryptoError} `ERR_UNSUPPORTED_ALG` for an `alg`/`enc` outside `JWE_ALGS` /
 * `JWE_ENCS`, `ERR_KEY_INVALID` for a key that does not fit `alg` (type, curve, `use`, `alg`,
 * RSA < 2048 bits), `ERR_JWT_MALFORMED` for content that is neither a compact JWS nor a plain
 * object.
 *
 * @example
 * ```ts
 * const idToken = await keys.sign(claims, { alg: 'ES256' });
 * const jwk = selectEncryptionKey(clientJwks, 'RSA-OAEP-256');
 * const encrypted = await encryptJwt(idToken, jwk, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
 * ```
 */
export async function encryptJwt(
  content: string | Record<string, unknown>,
  jwk: object,
  options: EncryptOptions,
): Promise<string> {
  const alg = options.alg;
  const enc = options.enc ?? 'A128CBC-HS256';
  if (!isJweAlg(alg)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `unsupported JWE alg ${String(alg)}`);
  if (!isJweEnc(enc)) throw new CryptoError('ERR_UNSUPPORTED_ALG', `unsupported JWE enc ${String(enc)}`);
  let plaintext: string;
  let nested: boolean;
  if (typeof content === 'string') {
    if (!/^[\w-]+\.[\w-]*\.[\w-]*$/.test(content)) throw new CryptoError('ERR_JWT_MALFORMED', 'nested content must be a compact JWS');
    plaintext = content;
    nested = true;
  } else if (isPlainObject(content)) {
    plaintext = JSON.stringify(content);
    nested = false;
  } else {
    throw new CryptoError('ERR_JWT_MALFORMED', 'content must be a compact JWS or a plain object');
  }
  const key = await importRecipientKey(jwk, alg);
  const kid = (jwk as Record<string, unknown>)['kid'];
  try {
    return await new CompactEncrypt(new TextEncoder().encode(plaintext))
      .setProtectedHeader({
        alg,
        enc,
        ...(typeof kid === 'string' && kid !== '' ? { kid } : {}),
        ...(nested ? { cty: 'JWT' } : {}),
      })
      .encrypt(key);
  } catch (err) {
    throw toCryptoError(err, 'ERR_KEY_INVALID');
  }
}
