import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time that does not depend on where they differ. Both are hashed
 * (SHA-256 of their UTF-8 bytes) and the fixed-size digests compared with
 * `crypto.timingSafeEqual`, so different lengths return `false` without an early exit.
 *
 * @example
 * ```ts
 * if (!timingSafeEqualString(pkceS256Challenge(verifier), stored.codeChallenge)) throw new InvalidGrant();
 * ```
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  // Equal digests imply equal strings; the length check costs nothing and is not content-dependent.
  return timingSafeEqual(left, right) && Buffer.byteLength(a, 'utf8') === Buffer.byteLength(b, 'utf8');
}
