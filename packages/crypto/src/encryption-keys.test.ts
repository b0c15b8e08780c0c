import { generateEncryptionKey, selectEncryptionKey } from './encryption-keys.js';
import { JWE_ALGS, JWE_ENCS, isJweAlg, isJweEnc } from './jwe-algorithms.js';
import type { JweAlg } from './jwe-algorithms.js';
import { jwkThumbprint } from './keys.js';

describe('JWE algorithm lists', () => {
  it('offers asymmetric key management only, and A128CBC-HS256 first', () => {
    expect([...JWE_ALGS].sort()).toEqual(['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW', 'RSA-OAEP', 'RSA-OAEP-256']);
    expect(JWE_ENCS[0]).toBe('A128CBC-HS256');
    expect(isJweAlg('RSA1_5')).toBe(false);
    expect(isJweAlg('dir')).toBe(false);
    expect(isJweAlg('A128KW')).toBe(false);
    expect(isJweEnc('A256GCM')).toBe(true);
    expect(isJweEnc('A192GCM')).toBe(false);
  });
});

describe('generateEncryptionKey', () => {
  it.each<[JweAlg, string, string | undefined]>([
    ['RSA-OAEP-256', 'RSA', undefined],
    ['RSA-OAEP', 'RSA', undefined],
    ['ECDH-ES', 'EC', 'P-256'],
    ['ECDH-ES+A256KW', 'EC', 'P-256'],
  ])('%s: %s key, use enc, kid = thumbprint, no private members in the public half', async (alg, kty, crv) => {
    const key = await generateEncryptionKey(alg);
    expect(key.publicJwk).toMatchObject({ kty, ...(crv ? { crv } : {}), use: 'enc', alg, kid: key.kid });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(typeof key.privateJwk['d']).toBe('string');
    expect(await jwkThumbprint(key.publicJwk)).toBe(key.kid);
  });

  it('makes X25519 keys on request', async () => {
    const key = await generateEncryptionKey('ECDH-ES+A256KW', { crv: 'X25519' });
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'X25519' });
  });

  it('refuses signing and symmetric algorithms', async () => {
    await expect(generateEncryptionKey('RS256' as JweAlg)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
    await expect(generateEncryptionKey('A128KW' as JweAlg)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALG' });
  });
});

describe('selectEncryptionKey', () => {
  const rsaSig = { kty: 'RSA', n: 'n-sig', e: 'AQAB', use: 'sig', kid: 'rsa-sig' };
  const rsaNoUse = { kty: 'RSA', n: 'n-any', e: 'AQAB', kid: 'rsa-any' };
  const rsaEnc = { kty: 'RSA', n: 'n-enc', e: 'AQAB', use: 'enc', kid: 'rsa-enc' };
  const ecEnc = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: 'enc', kid: 'ec-enc' };
  const okpSig = { kty: 'OKP', crv: 'Ed25519', x: 'x', kid: 'ed' };

  it('never picks a signing key', () => {
    expect(() => selectEncryptionKey({ keys: [rsaSig] }, 'RSA-OAEP-256')).toThrow(
      expect.objectContaining({ code: 'ERR_JWKS_NO_MATCHING_KEY' }),
    );
  });

  it('prefers use: enc over a key without use, and matches the key type to the alg', () => {
    expect(selectEncryptionKey({ keys: [rsaSig, rsaNoUse, rsaEnc, ecEnc] }, 'RSA-OAEP-256')['kid']).toBe('rsa-enc');
    expect(selectEncryptionKey({ keys: [rsaSig, rsaNoUse] }, 'RSA-OAEP')['kid']).toBe('rsa-any');
    expect(selectEncryptionKey({ keys: [rsaEnc, ecEnc] }, 'ECDH-ES+A256KW')['kid']).toBe('ec-enc');
  });

  it('skips keys registered for another alg, or with key_ops that do not encrypt', () => {
    const pinned = { ...rsaEnc, alg: 'RSA-OAEP' };
    expect(() => selectEncryptionKey({ keys: [pinned] }, 'RSA-OAEP-256')).toThrow(
      expect.objectContaining({ code: 'ERR_JWKS_NO_MATCHING_KEY' }),
    );
    const verifyOnly = { ...rsaNoUse, key_ops: ['verify'] };
    expect(() => selectEncryptionKey({ keys: [verifyOnly] }, 'RSA-OAEP')).toThrow(
      expect.objectContaining({ code: 'ERR_JWKS_NO_MATCHING_KEY' }),
    );
  });

  it('never uses an Ed25519 key for ECDH', () => {
    expect(() => selectEncryptionKey({ keys: [okpSig] }, 'ECDH-ES')).toThrow(
      expect.objectContaining({ code: 'ERR_JWKS_NO_MATCHING_KEY' }),
    );
  });

  it('rejects a malformed JWKS and an unknown alg', () => {
    expect(() => selectEncryptionKey({} as { keys: unknown[] }, 'RSA-OAEP')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(() => selectEncryptionKey({ keys: [rsaEnc] }, 'RSA1_5' as JweAlg)).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALG' }),
    );
  });

  it('returns a copy', () => {
    const jwks = { keys: [rsaEnc] };
    selectEncryptionKey(jwks, 'RSA-OAEP')['kid'] = 'changed';
    expect(rsaEnc.kid).toBe('rsa-enc');
  });
});
