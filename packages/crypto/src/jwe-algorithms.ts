/**
 * A JWE key management algorithm this package encrypts to: RSAES-OAEP (SHA-1 or SHA-256) with an
 * RSA key, or ECDH-ES (direct or with AES key wrap) with an EC P-256/384/521 or X25519 key.
 * Symmetric algorithms (`A*KW`, `dir` with a client secret) are not offered.
 *
 * @example
 * ```ts
 * const alg: JweAlg = client.metadata.id_token_encrypted_response_alg as JweAlg;
 * ```
 */
export type JweAlg = 'RSA-OAEP' | 'RSA-OAEP-256' | 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A256KW';

/**
 * Every {@link JweAlg}. Frozen.
 *
 * @example
 * ```ts
 * const metadata = { id_token_encryption_alg_values_supported: [...JWE_ALGS] };
 * ```
 */
export const JWE_ALGS: readonly JweAlg[] = Object.freeze([
  'RSA-OAEP-256',
  'RSA-OAEP',
  'ECDH-ES+A256KW',
  'ECDH-ES+A128KW',
  'ECDH-ES',
]);

/**
 * A JWE content encryption algorithm. `A128CBC-HS256` is the OIDC default for `*_enc`
 * (OIDC Registration 1.0 §2).
 *
 * @example
 * ```ts
 * const enc: JweEnc = client.metadata.id_token_encrypted_response_enc ?? 'A128CBC-HS256';
 * ```
 */
export type JweEnc = 'A128CBC-HS256' | 'A256CBC-HS512' | 'A128GCM' | 'A256GCM';

/**
 * Every {@link JweEnc}, the OIDC default (`A128CBC-HS256`) first. Frozen.
 *
 * @example
 * ```ts
 * const metadata = { id_token_encryption_enc_values_supported: [...JWE_ENCS] };
 * ```
 */
export const JWE_ENCS: readonly JweEnc[] = Object.freeze(['A128CBC-HS256', 'A256CBC-HS512', 'A128GCM', 'A256GCM']);

/**
 * Whether `value` is a {@link JweAlg}.
 *
 * @example
 * ```ts
 * if (!isJweAlg(metadata.id_token_encrypted_response_alg)) return 'invalid_client_metadata';
 * ```
 */
export function isJweAlg(value: unknown): value is JweAlg {
  return typeof value === 'string' && (JWE_ALGS as readonly string[]).includes(value);
}

/**
 * Whether `value` is a {@link JweEnc}.
 *
 * @example
 * ```ts
 * if (!isJweEnc(metadata.id_token_encrypted_response_enc)) return 'invalid_client_metadata';
 * ```
 */
export function isJweEnc(value: unknown): value is JweEnc {
  return typeof value === 'string' && (JWE_ENCS as readonly string[]).includes(value);
}

const EC_CURVES = ['P-256', 'P-384', 'P-521'];

/** Whether a JWK's key type and curve fit a key management algorithm. Internal. */
export function jwkFitsJweAlg(jwk: Record<string, unknown>, alg: JweAlg): boolean {
  if (alg.startsWith('RSA-OAEP')) return jwk['kty'] === 'RSA';
  if (jwk['kty'] === 'EC') return typeof jwk['crv'] === 'string' && EC_CURVES.includes(jwk['crv']);
  return jwk['kty'] === 'OKP' && jwk['crv'] === 'X25519';
}
