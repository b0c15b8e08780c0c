import { createPrivateKey, createPublicKey } from 'node:crypto';

import { SIGNING_ALGS, isSigningAlg } from './algorithms.js';
import type { SigningAlg } from './algorithms.js';
import { CryptoError } from './errors.js';
import { generateSigningKey, jwkThumbprint } from './keys.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

describe('generateSigningKey', () => {
  const expectedShape: Record<SigningAlg, { kty: string; crv?: string }> = {
    RS256: { kty: 'RSA' },
    PS256: { kty: 'RSA' },
    ES256: { kty: 'EC', crv: 'P-256' },
    EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  };

  it.each(SIGNING_ALGS)('%s: right key type, kid = thumbprint, public half has no private members', async (alg) => {
    const key = await generateSigningKey(alg);
    expect(key.alg).toBe(alg);
    expect(key.status).toBe('active');
    expect(key.publicJwk).toMatchObject({ ...expectedShape[alg], kid: key.kid, alg, use: 'sig' });
    expect(key.privateJwk).toMatchObject({ ...expectedShape[alg], kid: key.kid, alg, use: 'sig' });
    expect(typeof key.privateJwk.d).toBe('string');
    for (const member of PRIVATE_MEMBERS) expect(key.publicJwk).not.toHaveProperty(member);
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await jwkThumbprint(key.publicJwk)).toBe(key.kid);
    // The two halves really belong together: node derives the same public key from the private one.
    const privateKey = createPrivateKey({ key: { ...key.privateJwk }, format: 'jwk' });
    const derived = createPublicKey(privateKey).export({ format: 'jwk' });
    for (const [member, value] of Object.entries(derived)) expect(key.publicJwk).toHaveProperty(member, value);
  });

  it('makes 2048-bit RSA keys', async () => {
    const key = await generateSigningKey('RS256');
    expect(Buffer.from(key.publicJwk.n ?? '', 'base64url')).toHaveLength(256);
    expect(key.publicJwk.e).toBe('AQAB');
  });

  it('honours the status argument and makes a new key each time', async () => {
    const a = await generateSigningKey('ES256', 'retired');
    const b = await generateSigningKey('ES256');
    expect(a.status).toBe('retired');
    expect((await generateSigningKey('ES256', 'staged')).status).toBe('staged');
    await expect(generateSigningKey('ES256', 'archived' as never)).rejects.toThrow(TypeError);
    expect(a.kid).not.toBe(b.kid);
  });

  it('keeps stored keys JSON-serialisable', async () => {
    const key = await generateSigningKey('EdDSA');
    expect(JSON.parse(JSON.stringify(key))).toEqual(key);
  });

  it.each(['HS256', 'none', 'RS384', 'Ed448'])('rejects %s with ERR_UNSUPPORTED_ALG', async (alg) => {
    await expect(generateSigningKey(alg as SigningAlg)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
  });
});

describe('jwkThumbprint', () => {
  it('matches the RFC 7638 §3.1 example', async () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn' +
        '1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    await expect(jwkThumbprint(jwk)).resolves.toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('gives the same value for the private and public halves', async () => {
    const key = await generateSigningKey('ES256');
    expect(await jwkThumbprint(key.privateJwk)).toBe(await jwkThumbprint(key.publicJwk));
  });

  it.each<[string, object]>([
    ['a JWK without kty', { n: 'x', e: 'AQAB' }],
    ['an EC JWK without y', { kty: 'EC', crv: 'P-256', x: 'abc' }],
    ['an unknown kty', { kty: 'XYZ' }],
    ['an array', []],
  ])('rejects %s with ERR_KEY_INVALID', async (_label, jwk) => {
    const error = await jwkThumbprint(jwk).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CryptoError);
    expect(error).toHaveProperty('code', 'ERR_KEY_INVALID');
  });
});

describe('isSigningAlg / SIGNING_ALGS', () => {
  it('lists the four algorithms with RS256 first', () => {
    expect(SIGNING_ALGS).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
    expect(Object.isFrozen(SIGNING_ALGS)).toBe(true);
  });

  it('narrows only those four', () => {
    expect(SIGNING_ALGS.every(isSigningAlg)).toBe(true);
    for (const value of ['HS256', 'none', 'Ed25519', 'rs256', 1, undefined]) expect(isSigningAlg(value)).toBe(false);
  });
});
