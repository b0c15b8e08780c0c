import { createHash } from 'node:crypto';

/**
 * base64url (no padding) of the SHA-256 of the UTF-8 bytes of `value`. Use it to store lookups
 * of secrets (authorization codes, refresh tokens) instead of the secrets themselves.
 *
 * @example
 * ```ts
 * await codes.create({ codeHash: sha256Base64Url(code), ... });
 * ```
 */
export function sha256Base64Url(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * The PKCE `S256` code challenge, `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2). It does
 * not validate the verifier: check it is 43–128 characters of `[A-Za-z0-9-._~]` first, and
 * compare the result with the stored challenge using `timingSafeEqualString`.
 *
 * @example
 * ```ts
 * // RFC 7636 Appendix B
 * pkceS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 * ```
 */
export function pkceS256Challenge(verifier: string): string {
  return sha256Base64Url(verifier);
}
