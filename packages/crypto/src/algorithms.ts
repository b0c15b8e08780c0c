/**
 * A JWS algorithm this package signs with. `EdDSA` always means Ed25519.
 *
 * @example
 * ```ts
 * const alg: SigningAlg = 'ES256';
 * ```
 */
export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/**
 * Every {@link SigningAlg}, `RS256` (the OIDC mandatory-to-implement algorithm) first.
 *
 * @example
 * ```ts
 * const metadata = { id_token_signing_alg_values_supported: [...SIGNING_ALGS] };
 * ```
 */
export const SIGNING_ALGS: readonly SigningAlg[] = Object.freeze(['RS256', 'PS256', 'ES256', 'EdDSA']);

/**
 * Whether `value` is a {@link SigningAlg}; use it to narrow strings read from config or a DB.
 *
 * @example
 * ```ts
 * if (!isSigningAlg(row.alg)) throw new Error(`unsupported alg ${row.alg}`);
 * ```
 */
export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** `none` and symmetric `HS*` are never accepted for verification, whatever the caller asks. */
export function isForbiddenAlg(alg: string): boolean {
  return alg.toLowerCase() === 'none' || /^hs/i.test(alg);
}

/** The key type (and curve) each signing algorithm needs. */
export function keyShapeFor(alg: SigningAlg): { kty: 'RSA' | 'EC' | 'OKP'; crv?: string } {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return { kty: 'RSA' };
    case 'ES256':
      return { kty: 'EC', crv: 'P-256' };
    case 'EdDSA':
      return { kty: 'OKP', crv: 'Ed25519' };
  }
}
