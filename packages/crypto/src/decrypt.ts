import type { CryptoKey, JWK } from 'jose';
import { compactDecrypt, decodeProtectedHeader, importJWK } from 'jose';

import { CryptoError, toCryptoError } from './errors.js';
import type { JweAlg, JweEnc } from './jwe-algorithms.js';
import { JWE_ENCS, isJweAlg, isJweEnc, jwkFitsJweAlg } from './jwe-algorithms.js';
import type { Kty } from './keys.js';
import { invalid, isRecord, keyRejected, pickMaterial } from './keys.js';

/**
 * Options for {@link decryptJwt}. The allow-lists are required in spirit: a JWE header is
 * attacker-controlled, so only the algorithms the recipient registered are accepted.
 *
 * @example
 * ```ts
 * const options: DecryptOptions = { algorithms: ['RSA-OAEP-256'], encryptions: ['A128CBC-HS256'] };
 * ```
 */
export interface DecryptOptions {
  /** Accepted key management algorithms. */
  algorithms: JweAlg[];
  /** Accepted content encryption algorithms. Default: every `JweEnc`. */
  encryptions?: JweEnc[];
}

/**
 * A decrypted JWE: the plaintext and the protected header members callers may rely on. When
 * `header.cty` is `JWT`, the plaintext is a nested compact JWS to verify next.
 *
 * @example
 * ```ts
 * const { plaintext, header }: DecryptResult = await decryptJwt(jwe, privateJwk, { algorithms: ['ECDH-ES'] });
 * ```
 */
export interface DecryptResult {
  plaintext: string;
  header: { alg: JweAlg; enc: JweEnc; kid?: string; cty?: string };
}

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_JWT_MALFORMED', message, { cause });
}

async function importPrivateKey(jwk: unknown, alg: JweAlg): Promise<CryptoKey> {
  if (!isRecord(jwk) || !jwkFitsJweAlg(jwk, alg)) throw invalid(`the private JWK cannot be used for ${alg}`);
  const material = pickMaterial(jwk, jwk['kty'] as Kty, true);
  if (material['d'] === undefined) throw invalid('the JWK has no private part');
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(material as JWK, alg, { extractable: false });
  } catch (err) {
    throw keyRejected(err);
  }
  if (key instanceof Uint8Array) throw invalid('symmetric keys are not supported');
  return key;
}

/**
 * Decrypts a compact JWE (RFC 7516) with the recipient's private JWK. The header's `alg` must be
 * in `options.algorithms` and its `enc` in `options.encryptions`; `zip` and unknown `crit`
 * members are refused. For tests, relying parties, and decrypting encrypted `id_token_hint`s.
 *
 * @throws {@link CryptoError} `ERR_JWT_MALFORMED` (not a compact JWE, bad header),
 * `ERR_ALG_NOT_ALLOWED` (`alg`/`enc` not allowed), `ERR_KEY_INVALID` (the key does not fit),
 * `ERR_JWE_DECRYPTION_FAILED` (wrong key, or the JWE was altered).
 *
 * @example
 * ```ts
 * const { plaintext, header } = await decryptJwt(idToken, key.privateJwk, { algorithms: ['RSA-OAEP-256'] });
 * if (header.cty === 'JWT') await verifyJwtWithJwks(plaintext, opJwks, { issuer, audience: clientId });
 * ```
 */
export async function decryptJwt(jwe: string, privateJwk: object, options: DecryptOptions): Promise<DecryptResult> {
  if (typeof jwe !== 'string' || jwe.split('.').length !== 5) throw malformed('not a compact JWE');
  if (!options || !Array.isArray(options.algorithms)) throw new TypeError('options.algorithms is required');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe) as Record<string, unknown>;
  } catch (err) {
    throw malformed('invalid JWE protected header', err);
  }
  const { alg, enc, kid, cty } = header;
  const encryptions = options.encryptions ?? [...JWE_ENCS];
  if (!isJweAlg(alg) || !options.algorithms.includes(alg)) {
    throw new CryptoError('ERR_ALG_NOT_ALLOWED', `JWE alg ${String(alg)} is not allowed`);
  }
  if (!isJweEnc(enc) || !encryptions.includes(enc)) {
    throw new CryptoError('ERR_ALG_NOT_ALLOWED', `JWE enc ${String(enc)} is not allowed`);
  }
  if (kid !== undefined && typeof kid !== 'string') throw malformed('JWE "kid" must be a string');
  if (cty !== undefined && typeof cty !== 'string') throw malformed('JWE "cty" must be a string');
  const key = await importPrivateKey(privateJwk, alg);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: [alg],
      contentEncryptionAlgorithms: encryptions,
    }));
  } catch (err) {
    throw toCryptoError(err, 'ERR_JWE_DECRYPTION_FAILED');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch (err) {
    throw malformed('JWE plaintext is not UTF-8', err);
  }
  return {
    plaintext: text,
    header: { alg, enc, ...(kid === undefined ? {} : { kid }), ...(cty === undefined ? {} : { cty }) },
  };
}
