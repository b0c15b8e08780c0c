import { randomBytes } from 'node:crypto';

/**
 * A random, URL-safe token: `bytes` bytes from the CSPRNG, base64url without padding
 * (32 bytes → 43 characters). For codes, refresh tokens, `state`, `nonce`, `jti`, CSRF tokens.
 *
 * @throws RangeError unless `bytes` is an integer from 16 to 1024.
 *
 * @example
 * ```ts
 * const code = randomToken(); // e.g. 'o5X0b0cB3f...' (43 chars)
 * const jti = randomToken(16);
 * ```
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new RangeError('randomToken needs an integer byte count from 16 to 1024');
  }
  return randomBytes(bytes).toString('base64url');
}
