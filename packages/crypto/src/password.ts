import type { ScryptOptions } from 'node:crypto';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored parameters that would need more than 64 MiB (128·N·r bytes) to check. */
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;
const B64U = /^[A-Za-z0-9_-]+$/;
const ENCODED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function deriveKey(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function decodeB64u(value: string): Buffer | undefined {
  if (!B64U.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : undefined;
}

/**
 * Hashes a password with scrypt (N=16384, r=8, p=1, 16-byte random salt, 32-byte key) into
 * `scrypt$N$r$p$<salt b64url>$<hash b64url>`. The password is NFC-normalised first, so the same
 * text typed on different keyboards/OSes verifies.
 *
 * @example
 * ```ts
 * const passwordHash = await hashPassword('correct horse battery staple');
 * // 'scrypt$16384$8$1$q0dV...$Jx3r...'
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: 2 * 128 * N * R });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Checks a password against a {@link hashPassword} string, using the parameters stored in it and
 * a constant-time comparison. Returns `false`, never throws, for a wrong password or a malformed
 * or out-of-bounds encoding.
 *
 * @example
 * ```ts
 * if (!(await verifyPassword(form.password, user.passwordHash))) throw new InvalidCredentials();
 * ```
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    if (typeof password !== 'string' || typeof encoded !== 'string') return false;
    const match = ENCODED.exec(encoded);
    if (match === null) return false;
    const [, nText = '', rText = '', pText = '', saltText = '', hashText = ''] = match;
    const n = Number(nText);
    const r = Number(rText);
    const p = Number(pText);
    const isPowerOfTwo = n >= 2 && (n & (n - 1)) === 0;
    if (!isPowerOfTwo || r < 1 || p < 1 || p > 16 || 128 * n * r > MAX_SCRYPT_MEMORY) return false;
    const salt = decodeB64u(saltText);
    const expected = decodeB64u(hashText);
    if (salt === undefined || salt.length < 8 || expected === undefined || expected.length < 16 || expected.length > 64) {
      return false;
    }
    const actual = await deriveKey(password, salt, expected.length, { N: n, r, p, maxmem: 2 * 128 * n * r });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
