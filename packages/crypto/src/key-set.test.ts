import { createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';

import type { SigningAlg } from './algorithms.js';
import { SIGNING_ALGS } from './algorithms.js';
import { decodeJwtUnverified } from './decode.js';
import { KeySet } from './key-set.js';
import type { PrivateJwk, PublicJwk, StoredSigningKey } from './keys.js';
import { generateSigningKey, jwkThumbprint } from './keys.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const ISS = 'https://op.example.com/t/acme';
const claims = { iss: ISS, sub: 'user-1', aud: 'rp-1', iat: now, exp: now + 300 };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

const b64u = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

let keys: Record<SigningAlg, StoredSigningKey>;
beforeAll(async () => {
  const entries = await Promise.all(SIGNING_ALGS.map(async (alg) => [alg, await generateSigningKey(alg)] as const));
  keys = Object.fromEntries(entries) as Record<SigningAlg, StoredSigningKey>;
});

describe('KeySet.load', () => {
  it('loads an empty list', async () => {
    const set = await KeySet.load([]);
    expect(set.publicJwks()).toEqual({ keys: [] });
  });

  it('loads keys that went through JSON (a DB column)', async () => {
    const set = await KeySet.load([JSON.parse(JSON.stringify(keys.ES256)) as StoredSigningKey]);
    expect(set.has(keys.ES256.kid)).toBe(true);
  });

  it('rejects a duplicate kid', async () => {
    await expect(KeySet.load([keys.RS256, keys.RS256])).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });

  it('rejects an algorithm outside SIGNING_ALGS', async () => {
    const bad = { ...keys.RS256, alg: 'RS384' as SigningAlg };
    await expect(KeySet.load([bad])).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
  });

  it.each<[string, (key: StoredSigningKey, other: StoredSigningKey) => unknown]>([
    [
      'a kid that is not the thumbprint',
      (k) => ({
        ...k,
        kid: 'made-up',
        privateJwk: { ...k.privateJwk, kid: 'made-up' },
        publicJwk: { ...k.publicJwk, kid: 'made-up' },
      }),
    ],
    ['a publicJwk kid that differs', (k) => ({ ...k, publicJwk: { ...k.publicJwk, kid: 'other' } })],
    ['halves from different keys', (k, o) => ({ ...k, privateJwk: { ...o.privateJwk, kid: k.kid } })],
    ['a private JWK without d', (k) => ({ ...k, privateJwk: { ...k.privateJwk, d: undefined } })],
    ['a key type that does not fit the alg', (k) => ({ ...k, alg: 'ES256' })],
    ['use: enc', (k) => ({ ...k, publicJwk: { ...k.publicJwk, use: 'enc' } })],
    ['an unknown status', (k) => ({ ...k, status: 'archived' })],
    ['a missing publicJwk', (k) => ({ ...k, publicJwk: undefined })],
    ['a corrupted RSA private exponent', (k) => ({ ...k, privateJwk: { ...k.privateJwk, d: 'AAAA' } })],
    ['a corrupted RSA CRT exponent', (k) => ({ ...k, privateJwk: { ...k.privateJwk, dp: k.privateJwk.dq } })],
    ['an RSA private JWK without CRT members', (k) => ({ ...k, privateJwk: { ...k.privateJwk, qi: undefined } })],
  ])('rejects %s with ERR_KEY_INVALID', async (_label, corrupt) => {
    const other = await generateSigningKey('RS256');
    const bad = corrupt(keys.RS256, other) as StoredSigningKey;
    await expect(KeySet.load([bad])).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });

  it.each(['ES256', 'EdDSA'] as const)('rejects a %s private key that does not match its public key', async (alg) => {
    const other = await generateSigningKey(alg);
    const bad = { ...keys[alg], privateJwk: { ...keys[alg].privateJwk, d: other.privateJwk.d } };
    await expect(KeySet.load([bad])).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });

  it('rejects RSA keys shorter than 2048 bits', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
    const publicJwk = { kty: 'RSA', n: jwk['n'], e: jwk['e'] } as PublicJwk;
    const kid = await jwkThumbprint(publicJwk);
    const weak: StoredSigningKey = {
      kid,
      alg: 'RS256',
      status: 'active',
      privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } as unknown as PrivateJwk,
      publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
    };
    await expect(KeySet.load([weak])).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});

describe('KeySet.publicJwks / has', () => {
  it('publishes active and retired keys, public members only', async () => {
    const retired = { ...keys.ES256, status: 'retired' as const };
    const set = await KeySet.load([keys.RS256, retired, keys.EdDSA]);
    const { keys: published } = set.publicJwks();
    expect(published.map((jwk) => jwk.kid)).toEqual([keys.RS256.kid, keys.ES256.kid, keys.EdDSA.kid]);
    for (const jwk of published) {
      for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
      expect(jwk).toMatchObject({ use: 'sig' });
      expect(typeof jwk.alg).toBe('string');
    }
    expect(published[0]).toEqual(keys.RS256.publicJwk);
  });

  it('strips private members even if they were stored in publicJwk by mistake', async () => {
    const polluted = { ...keys.RS256, publicJwk: { ...keys.RS256.privateJwk } };
    const set = await KeySet.load([polluted]);
    const [jwk] = set.publicJwks().keys;
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    expect(jwk).toEqual(keys.RS256.publicJwk);
  });

  it('returns a fresh copy each time', async () => {
    const set = await KeySet.load([keys.ES256]);
    const first = set.publicJwks();
    (first.keys[0] as unknown as Record<string, unknown>)['d'] = 'leak';
    first.keys.push(keys.RS256.publicJwk);
    expect(set.publicJwks().keys).toEqual([keys.ES256.publicJwk]);
  });

  it('has() knows active and retired kids only', async () => {
    const set = await KeySet.load([keys.RS256, { ...keys.PS256, status: 'retired' }]);
    expect(set.has(keys.RS256.kid)).toBe(true);
    expect(set.has(keys.PS256.kid)).toBe(true);
    expect(set.has(keys.ES256.kid)).toBe(false);
  });
});

describe('KeySet.signingKey', () => {
  it('defaults to the first active RS256 key', async () => {
    const newerRsa = await generateSigningKey('RS256');
    const set = await KeySet.load([keys.ES256, newerRsa, keys.RS256]);
    expect(set.signingKey().kid).toBe(newerRsa.kid);
  });

  it('falls back to the first active key when there is no RS256 key', async () => {
    const set = await KeySet.load([{ ...keys.PS256, status: 'retired' }, keys.EdDSA, keys.ES256]);
    expect(set.signingKey().kid).toBe(keys.EdDSA.kid);
  });

  it('picks the newest active key of the requested alg, skipping retired ones', async () => {
    const older = await generateSigningKey('ES256');
    const set = await KeySet.load([{ ...keys.ES256, status: 'retired' }, older, keys.RS256]);
    expect(set.signingKey('ES256').kid).toBe(older.kid);
  });

  it('throws ERR_NO_SIGNING_KEY when only retired keys fit', async () => {
    const set = await KeySet.load([{ ...keys.ES256, status: 'retired' }, keys.RS256]);
    expect(() => set.signingKey('ES256')).toThrow(expect.objectContaining({ code: 'ERR_NO_SIGNING_KEY' }));
    const empty = await KeySet.load([{ ...keys.RS256, status: 'retired' }]);
    expect(() => empty.signingKey()).toThrow(expect.objectContaining({ code: 'ERR_NO_SIGNING_KEY' }));
  });

  it('throws ERR_UNSUPPORTED_ALG for an alg outside SIGNING_ALGS', async () => {
    const set = await KeySet.load([keys.RS256]);
    expect(() => set.signingKey('HS256' as SigningAlg)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALG' }));
  });

  it('returns a copy that cannot change the set', async () => {
    const set = await KeySet.load([keys.RS256]);
    set.signingKey().status = 'retired';
    expect(set.signingKey().status).toBe('active');
  });
});

describe('KeySet.sign / verify', () => {
  it.each(SIGNING_ALGS)('round-trips %s', async (alg) => {
    const set = await KeySet.load(SIGNING_ALGS.map((a) => keys[a]));
    const token = await set.sign(claims, { alg });
    const { payload, header } = await set.verify(token, { issuer: ISS, audience: 'rp-1', currentDate: NOW });
    expect(payload).toEqual(claims);
    expect(header).toEqual({ alg, kid: keys[alg].kid });
  });

  it('writes only alg, kid and typ into the header', async () => {
    const set = await KeySet.load([keys.ES256]);
    const token = await set.sign(claims, { typ: 'logout+jwt' });
    expect(decodeJwtUnverified(token).header).toEqual({ alg: 'ES256', kid: keys.ES256.kid, typ: 'logout+jwt' });
    const plain = await set.sign(claims);
    expect(decodeJwtUnverified(plain).header).toEqual({ alg: 'ES256', kid: keys.ES256.kid });
  });

  it('signs the payload as given (no iat or other claims added)', async () => {
    const set = await KeySet.load([keys.EdDSA]);
    const token = await set.sign({ hello: 'world' });
    expect(decodeJwtUnverified(token).payload).toEqual({ hello: 'world' });
  });

  it('produces signatures that node:crypto verifies (not only jose)', async () => {
    const set = await KeySet.load([keys.EdDSA]);
    const token = await set.sign(claims);
    const [h = '', p = '', s = ''] = token.split('.');
    const { createPublicKey, verify } = await import('node:crypto');
    const publicKey = createPublicKey({ key: { ...keys.EdDSA.publicJwk }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it.each(SIGNING_ALGS)('produces %s signatures that jose verifies, byte-identical to jose for the deterministic algorithms', async (alg) => {
    const { CompactSign, compactVerify, importJWK } = await import('jose');
    const set = await KeySet.load([keys[alg]]);
    const token = await set.sign(claims, { typ: 'at+jwt' });
    const [h = '', p = ''] = token.split('.');
    const publicKey = await importJWK({ ...keys[alg].publicJwk }, alg);
    await expect(compactVerify(token, publicKey, { algorithms: [alg] })).resolves.toBeDefined();
    if (alg === 'RS256' || alg === 'EdDSA') {
      const privateKey = await importJWK({ ...keys[alg].privateJwk }, alg);
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid: string; typ: string };
      const joseToken = await new CompactSign(Buffer.from(p, 'base64url')).setProtectedHeader(header).sign(privateKey);
      expect(token).toBe(joseToken);
    }
  });

  it('rejects a payload that is not a plain object with ERR_JWT_MALFORMED', async () => {
    const set = await KeySet.load([keys.RS256]);
    for (const payload of [null, [], 'x', new Map()]) {
      await expect(set.sign(payload as unknown as Record<string, unknown>)).rejects.toMatchObject({
        code: 'ERR_JWT_MALFORMED',
      });
    }
  });

  it('rejects signing with an alg the set has no active key for', async () => {
    const set = await KeySet.load([keys.RS256]);
    await expect(set.sign(claims, { alg: 'EdDSA' })).rejects.toMatchObject({ code: 'ERR_NO_SIGNING_KEY' });
  });

  it('still verifies tokens from a retired key after rotation, and signs with the new key', async () => {
    const before = await KeySet.load([keys.RS256]);
    const oldToken = await before.sign(claims);

    const next = await generateSigningKey('RS256');
    const after = await KeySet.load([next, { ...keys.RS256, status: 'retired' }]);
    const verified = await after.verify(oldToken, { issuer: ISS, currentDate: NOW });
    expect(verified.header.kid).toBe(keys.RS256.kid);
    expect(decodeJwtUnverified(await after.sign(claims)).header['kid']).toBe(next.kid);
  });

  it('rejects a token whose key was removed from the set with ERR_JWKS_NO_MATCHING_KEY', async () => {
    const token = await (await KeySet.load([keys.RS256])).sign(claims);
    const set = await KeySet.load([keys.PS256, keys.ES256]);
    await expect(set.verify(token, { algorithms: ['RS256'], currentDate: NOW })).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('allows only the set’s algorithms by default', async () => {
    const token = await (await KeySet.load([keys.ES256])).sign(claims);
    const set = await KeySet.load([keys.RS256, { ...keys.ES256, status: 'retired' }]);
    await expect(set.verify(token, { currentDate: NOW })).resolves.toBeDefined();
    const rsaOnly = await KeySet.load([keys.RS256]);
    await expect(rsaOnly.verify(token, { currentDate: NOW })).rejects.toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it('accepts a token without kid only when exactly one key has its alg', async () => {
    const signingInput = `${b64u(JSON.stringify({ alg: 'RS256' }))}.${b64u(JSON.stringify(claims))}`;
    const privateKey = createPrivateKey({ key: { ...keys.RS256.privateJwk }, format: 'jwk' });
    const token = `${signingInput}.${b64u(nodeSign('sha256', Buffer.from(signingInput), privateKey))}`;

    const single = await KeySet.load([keys.RS256, keys.ES256]);
    await expect(single.verify(token, { currentDate: NOW })).resolves.toMatchObject({ header: { alg: 'RS256' } });

    const two = await KeySet.load([await generateSigningKey('RS256'), keys.RS256]);
    await expect(two.verify(token, { currentDate: NOW })).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('does not use a key for another alg than its own, even with a matching kid', async () => {
    const set = await KeySet.load([keys.RS256, keys.PS256]);
    const token = await set.sign(claims, { alg: 'RS256' });
    const [, payload, signature] = token.split('.');
    const forged = `${b64u(JSON.stringify({ alg: 'PS256', kid: keys.RS256.kid }))}.${payload}.${signature}`;
    await expect(set.verify(forged, { currentDate: NOW })).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});

describe('staged keys (rotation)', () => {
  it('are published and verify, but never sign', async () => {
    const staged = await generateSigningKey('ES256', 'staged');
    const set = await KeySet.load([staged, keys.ES256]);
    expect(set.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([staged.kid, keys.ES256.kid]);
    expect(set.has(staged.kid)).toBe(true);
    expect(set.signingKey('ES256').kid).toBe(keys.ES256.kid);
    const token = await set.sign(claims, { alg: 'ES256' });
    expect(decodeJwtUnverified(token).header.kid).toBe(keys.ES256.kid);

    // Another process already promoted it: tokens it signed verify here too.
    const promoted = await KeySet.load([{ ...staged, status: 'active' }]);
    const fromOther = await promoted.sign(claims, { alg: 'ES256' });
    await expect(set.verify(fromOther, { currentDate: NOW })).resolves.toMatchObject({ header: { kid: staged.kid } });
  });

  it('give ERR_NO_SIGNING_KEY when nothing of the alg is active', async () => {
    const set = await KeySet.load([await generateSigningKey('EdDSA', 'staged')]);
    expect(() => set.signingKey('EdDSA')).toThrow(expect.objectContaining({ code: 'ERR_NO_SIGNING_KEY' }));
  });
});
