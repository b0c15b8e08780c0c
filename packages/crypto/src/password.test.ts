import { scryptSync } from 'node:crypto';

import { hashPassword, verifyPassword } from './password.js';

const FORMAT = /^scrypt\$16384\$8\$1\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

let encoded: string;
beforeAll(async () => {
  encoded = await hashPassword('correct horse battery staple');
});

describe('hashPassword', () => {
  it('writes scrypt$N$r$p$salt$hash with N=16384 r=8 p=1, a 16-byte salt and a 32-byte key', () => {
    const match = FORMAT.exec(encoded);
    expect(match).not.toBeNull();
    const [, salt = '', hash = ''] = match ?? [];
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    // Independent recomputation with node:crypto proves the parameters are the ones written.
    const expected = scryptSync('correct horse battery staple', Buffer.from(salt, 'base64url'), 32, { N: 16384, r: 8, p: 1 });
    expect(hash).toBe(expected.toString('base64url'));
  });

  it('uses a fresh salt each time', async () => {
    const again = await hashPassword('correct horse battery staple');
    expect(again).not.toBe(encoded);
    expect(again.split('$')[4]).not.toBe(encoded.split('$')[4]);
  });

  it('rejects a non-string password with TypeError', async () => {
    await expect(hashPassword(undefined as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password', async () => {
    await expect(verifyPassword('correct horse battery staple', encoded)).resolves.toBe(true);
  });

  it.each(['Correct horse battery staple', 'correct horse battery staple ', '', 'x'])(
    'rejects the wrong password %p',
    async (password) => {
      await expect(verifyPassword(password, encoded)).resolves.toBe(false);
    },
  );

  it('verifies hashes made with other valid parameters', async () => {
    const salt = Buffer.alloc(16, 1);
    const key = scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 2 });
    const other = `scrypt$1024$8$2$${salt.toString('base64url')}$${key.toString('base64url')}`;
    await expect(verifyPassword('pw', other)).resolves.toBe(true);
    await expect(verifyPassword('pw!', other)).resolves.toBe(false);
  });

  it('treats NFC and NFD spellings of a password alike', async () => {
    const stored = await hashPassword('caf\u00e9');
    await expect(verifyPassword('cafe\u0301', stored)).resolves.toBe(true);
  });

  const tamper = (index: number, value: string): string => {
    const parts = encoded.split('$');
    parts[index] = value;
    return parts.join('$');
  };

  it.each<[string, () => string]>([
    ['an empty string', () => ''],
    ['another scheme', () => encoded.replace(/^scrypt/, 'bcrypt')],
    ['a missing segment', () => encoded.split('$').slice(0, 5).join('$')],
    ['an extra segment', () => `${encoded}$x`],
    ['N not a power of two', () => tamper(1, '16383')],
    ['N = 1', () => tamper(1, '1')],
    ['N too large for the memory cap', () => tamper(1, '1048576')],
    ['r = 0', () => tamper(2, '0')],
    ['p = 0', () => tamper(3, '0')],
    ['p too large', () => tamper(3, '999')],
    ['a salt that is not base64url', () => tamper(4, 'a+b/')],
    ['a salt that is too short', () => tamper(4, 'AAAA')],
    ['a truncated hash', () => tamper(5, encoded.split('$')[5]?.slice(0, 10) ?? '')],
    ['a non-canonical base64url hash', () => tamper(5, `${encoded.split('$')[5]?.slice(0, 42) ?? ''}B`)],
    ['a negative number', () => tamper(2, '-8')],
  ])('returns false, never throws, for %s', async (_label, make) => {
    await expect(verifyPassword('correct horse battery staple', make())).resolves.toBe(false);
  });

  it('returns false for non-string input from untyped callers', async () => {
    await expect(verifyPassword('x', undefined as unknown as string)).resolves.toBe(false);
    await expect(verifyPassword(null as unknown as string, encoded)).resolves.toBe(false);
  });
});
