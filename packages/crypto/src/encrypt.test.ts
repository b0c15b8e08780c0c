import { generateKeyPairSync } from 'node:crypto';

import { decryptJwt } from './decrypt.js';
import { encryptJwt } from './encrypt.js';
import type { EncryptionKeyPair } from './encryption-keys.js';
import { generateEncryptionKey } from './encryption-keys.js';
import type { JweAlg, JweEnc } from './jwe-algorithms.js';
import { JWE_ENCS } from './jwe-algorithms.js';
import { KeySet } from './key-set.js';
import { generateSigningKey } from './keys.js';
import { verifyJwtWithJwks } from './verify.js';

const header = (jwe: string) => JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;

let rsa: EncryptionKeyPair;
let ec: EncryptionKeyPair;
let signer: KeySet;
beforeAll(async () => {
  rsa = await generateEncryptionKey('RSA-OAEP-256');
  ec = await generateEncryptionKey('ECDH-ES+A256KW');
  signer = await KeySet.load([await generateSigningKey('ES256')]);
});

describe('encryptJwt + decryptJwt', () => {
  it('nests a JWS (sign, then encrypt) with cty JWT and the recipient kid; the inner JWS verifies', async () => {
    const jws = await signer.sign({ iss: 'https://op.example', sub: 'u1', aud: 'c1' }, { alg: 'ES256' });
    const jwe = await encryptJwt(jws, rsa.publicJwk, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    expect(jwe.split('.')).toHaveLength(5);
    expect(header(jwe)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: rsa.kid, cty: 'JWT' });
    const { plaintext, header: decrypted } = await decryptJwt(jwe, rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] });
    expect(decrypted).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: rsa.kid, cty: 'JWT' });
    expect(plaintext).toBe(jws);
    const { payload } = await verifyJwtWithJwks(plaintext, signer.publicJwks(), { issuer: 'https://op.example', audience: 'c1' });
    expect(payload.sub).toBe('u1');
  });

  it('encrypts a claims object without cty (encryption without signature)', async () => {
    const jwe = await encryptJwt({ sub: 'u1', email: 'a@example.test' }, ec.publicJwk, { alg: 'ECDH-ES+A256KW' });
    expect(header(jwe)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A128CBC-HS256', kid: ec.kid });
    expect(header(jwe)).not.toHaveProperty('cty');
    const { plaintext } = await decryptJwt(jwe, ec.privateJwk, { algorithms: ['ECDH-ES+A256KW'] });
    expect(JSON.parse(plaintext)).toEqual({ sub: 'u1', email: 'a@example.test' });
  });

  it.each<[JweAlg, { crv?: 'X25519' | 'P-384' }]>([
    ['RSA-OAEP', {}],
    ['ECDH-ES', {}],
    ['ECDH-ES', { crv: 'P-384' }],
    ['ECDH-ES+A128KW', {}],
    ['ECDH-ES+A256KW', { crv: 'X25519' }],
  ])('round-trips %s %p with every enc', async (alg, options) => {
    const key = await generateEncryptionKey(alg, options);
    for (const enc of JWE_ENCS) {
      const jwe = await encryptJwt({ n: 1 }, key.publicJwk, { alg, enc });
      const { plaintext, header: h } = await decryptJwt(jwe, key.privateJwk, { algorithms: [alg] });
      expect(JSON.parse(plaintext)).toEqual({ n: 1 });
      expect(h.enc).toBe(enc);
    }
  });

  it('uses only the public members of the JWK it is given', async () => {
    const jwe = await encryptJwt({ n: 1 }, rsa.privateJwk, { alg: 'RSA-OAEP-256' });
    expect((await decryptJwt(jwe, rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] })).plaintext).toBe('{"n":1}');
  });
});

describe('encryptJwt refusals', () => {
  it.each<[string, () => Promise<string>, string]>([
    ['an unsupported alg', () => encryptJwt({}, rsa.publicJwk, { alg: 'RSA1_5' as JweAlg }), 'ERR_UNSUPPORTED_ALG'],
    ['an unsupported enc', () => encryptJwt({}, rsa.publicJwk, { alg: 'RSA-OAEP', enc: 'A192GCM' as JweEnc }), 'ERR_UNSUPPORTED_ALG'],
    ['a key of the wrong type', () => encryptJwt({}, ec.publicJwk, { alg: 'RSA-OAEP-256' }), 'ERR_KEY_INVALID'],
    ['a signing key', () => encryptJwt({}, { ...rsa.publicJwk, use: 'sig' }, { alg: 'RSA-OAEP-256' }), 'ERR_KEY_INVALID'],
    ['a key pinned to another alg', () => encryptJwt({}, rsa.publicJwk, { alg: 'RSA-OAEP' }), 'ERR_KEY_INVALID'],
    ['a broken key', () => encryptJwt({}, { kty: 'RSA', n: 'AA', e: 'AQAB' }, { alg: 'RSA-OAEP' }), 'ERR_KEY_INVALID'],
    ['content that is not a JWS', () => encryptJwt('not a jws', rsa.publicJwk, { alg: 'RSA-OAEP-256' }), 'ERR_JWT_MALFORMED'],
    ['content that is not an object', () => encryptJwt([] as never, rsa.publicJwk, { alg: 'RSA-OAEP-256' }), 'ERR_JWT_MALFORMED'],
  ])('refuses %s', async (_label, run, code) => {
    await expect(run()).rejects.toMatchObject({ code });
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    await expect(encryptJwt({}, jwk, { alg: 'RSA-OAEP' })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});

describe('decryptJwt refusals', () => {
  let jwe: string;
  beforeAll(async () => {
    jwe = await encryptJwt({ n: 1 }, rsa.publicJwk, { alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' });
  });

  it('refuses an alg or enc outside the allow-lists', async () => {
    await expect(decryptJwt(jwe, rsa.privateJwk, { algorithms: ['RSA-OAEP'] })).rejects.toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
    await expect(
      decryptJwt(jwe, rsa.privateJwk, { algorithms: ['RSA-OAEP-256'], encryptions: ['A256GCM'] }),
    ).rejects.toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it('fails with ERR_JWE_DECRYPTION_FAILED for the wrong key or an altered ciphertext', async () => {
    const other = await generateEncryptionKey('RSA-OAEP-256');
    await expect(decryptJwt(jwe, other.privateJwk, { algorithms: ['RSA-OAEP-256'] })).rejects.toMatchObject({
      code: 'ERR_JWE_DECRYPTION_FAILED',
    });
    const parts = jwe.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString('base64url');
    await expect(decryptJwt(parts.join('.'), rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] })).rejects.toMatchObject({
      code: 'ERR_JWE_DECRYPTION_FAILED',
    });
  });

  it('refuses malformed input and a public key', async () => {
    await expect(decryptJwt('a.b.c', rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] })).rejects.toMatchObject({ code: 'ERR_JWT_MALFORMED' });
    await expect(decryptJwt('!.b.c.d.e', rsa.privateJwk, { algorithms: ['RSA-OAEP-256'] })).rejects.toMatchObject({ code: 'ERR_JWT_MALFORMED' });
    await expect(decryptJwt(jwe, rsa.publicJwk, { algorithms: ['RSA-OAEP-256'] })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});
