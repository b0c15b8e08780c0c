import { createHmac, createPrivateKey, sign as nodeSign } from 'node:crypto';

import { KeySet } from './key-set.js';
import type { PublicJwk, StoredSigningKey } from './keys.js';
import { generateSigningKey } from './keys.js';
import type { JsonWebKeySet, VerifyOptions, VerifyResult } from './verify.js';
import { verifyJwtWithJwks } from './verify.js';

// Frozen clock: every check runs against NOW through `currentDate`.
const NOW = new Date('2026-03-01T12:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const ISS = 'https://op.example.com/t/acme';
const claims = { iss: ISS, sub: 'user-1', aud: 'rp-1', iat: now - 10, exp: now + 300 };
const base: VerifyOptions = { issuer: ISS, audience: 'rp-1', currentDate: NOW };

const b64u = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

let rsa: StoredSigningKey;
let ec: StoredSigningKey;
let keySet: KeySet;
let jwks: { keys: PublicJwk[] };

/** Signs arbitrary header/payload bytes with node:crypto (RS256), bypassing KeySet.sign. */
function signRs256(header: object, payload: string): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`;
  const key = createPrivateKey({ key: { ...rsa.privateJwk }, format: 'jwk' });
  return `${input}.${b64u(nodeSign('sha256', Buffer.from(input), key))}`;
}

beforeAll(async () => {
  [rsa, ec] = await Promise.all([generateSigningKey('RS256'), generateSigningKey('ES256')]);
  keySet = await KeySet.load([rsa, ec]);
  jwks = keySet.publicJwks();
});

type Verifier = (token: string, options: VerifyOptions) => Promise<VerifyResult>;
const verifiers: [string, Verifier][] = [
  ['KeySet.verify', (token, options) => keySet.verify(token, options)],
  ['verifyJwtWithJwks', (token, options) => verifyJwtWithJwks(token, jwks, options)],
];

describe.each(verifiers)('%s', (_name, verify) => {
  const expectCode = async (token: string, options: VerifyOptions, code: string): Promise<void> => {
    await expect(verify(token, options)).rejects.toMatchObject({ name: 'CryptoError', code });
  };

  it('accepts a valid token and returns payload and reduced header', async () => {
    const token = await keySet.sign(claims, { alg: 'ES256', typ: 'JWT' });
    await expect(verify(token, base)).resolves.toEqual({
      payload: claims,
      header: { alg: 'ES256', kid: ec.kid, typ: 'JWT' },
    });
  });

  describe('signature', () => {
    it('rejects a tampered signature with ERR_JWS_SIGNATURE_INVALID', async () => {
      const [h, p, s = ''] = (await keySet.sign(claims)).split('.');
      const bytes = Buffer.from(s, 'base64url');
      bytes[10] = (bytes[10] ?? 0) ^ 0xff;
      await expectCode(`${h}.${p}.${b64u(bytes)}`, base, 'ERR_JWS_SIGNATURE_INVALID');
    });

    it('rejects a tampered payload with ERR_JWS_SIGNATURE_INVALID', async () => {
      const [h, , s] = (await keySet.sign(claims)).split('.');
      const forged = b64u(JSON.stringify({ ...claims, sub: 'admin' }));
      await expectCode(`${h}.${forged}.${s}`, base, 'ERR_JWS_SIGNATURE_INVALID');
    });

    it('checks the signature even with allowExpired', async () => {
      const [h, , s] = (await keySet.sign({ ...claims, exp: now - 60 })).split('.');
      const forged = b64u(JSON.stringify({ ...claims, exp: now - 60, sub: 'admin' }));
      await expectCode(`${h}.${forged}.${s}`, { ...base, allowExpired: true }, 'ERR_JWS_SIGNATURE_INVALID');
    });

    it('rejects a signature made by another key under a known kid', async () => {
      const intruder = await KeySet.load([{ ...(await generateSigningKey('RS256')) }]);
      const [, p, s] = (await intruder.sign(claims)).split('.');
      await expectCode(`${b64u(JSON.stringify({ alg: 'RS256', kid: rsa.kid }))}.${p}.${s}`, base, 'ERR_JWS_SIGNATURE_INVALID');
    });
  });

  describe('algorithms', () => {
    it('rejects alg "none" with ERR_ALG_NOT_ALLOWED, even when asked to allow it', async () => {
      const token = `${b64u(JSON.stringify({ alg: 'none' }))}.${b64u(JSON.stringify(claims))}.`;
      await expectCode(token, base, 'ERR_ALG_NOT_ALLOWED');
      await expectCode(token, { ...base, algorithms: ['none', 'RS256'] }, 'ERR_ALG_NOT_ALLOWED');
    });

    it('rejects HS256 signed with the public key (alg confusion) with ERR_ALG_NOT_ALLOWED', async () => {
      const input = `${b64u(JSON.stringify({ alg: 'HS256', kid: rsa.kid }))}.${b64u(JSON.stringify(claims))}`;
      const mac = createHmac('sha256', JSON.stringify(rsa.publicJwk)).update(input).digest();
      await expectCode(`${input}.${b64u(mac)}`, base, 'ERR_ALG_NOT_ALLOWED');
      await expectCode(`${input}.${b64u(mac)}`, { ...base, algorithms: ['HS256'] }, 'ERR_ALG_NOT_ALLOWED');
    });

    it('rejects an alg outside options.algorithms with ERR_ALG_NOT_ALLOWED', async () => {
      const token = await keySet.sign(claims, { alg: 'ES256' });
      await expectCode(token, { ...base, algorithms: ['RS256'] }, 'ERR_ALG_NOT_ALLOWED');
      await expect(verify(token, { ...base, algorithms: ['ES256'] })).resolves.toBeDefined();
    });
  });

  describe('key selection', () => {
    it('rejects an unknown kid with ERR_JWKS_NO_MATCHING_KEY', async () => {
      const [, p, s] = (await keySet.sign(claims)).split('.');
      await expectCode(`${b64u(JSON.stringify({ alg: 'RS256', kid: 'unknown' }))}.${p}.${s}`, base, 'ERR_JWKS_NO_MATCHING_KEY');
    });

    it('accepts a token without kid when a single key fits its alg', async () => {
      const token = signRs256({ alg: 'RS256' }, JSON.stringify(claims));
      await expect(verify(token, base)).resolves.toMatchObject({ header: { alg: 'RS256' } });
    });
  });

  describe('claims (frozen clock)', () => {
    it('rejects an expired token with ERR_JWT_EXPIRED', async () => {
      const token = await keySet.sign({ ...claims, exp: now });
      await expectCode(token, base, 'ERR_JWT_EXPIRED');
    });

    it('accepts an expired token with allowExpired (id_token_hint) but still checks iss', async () => {
      const token = await keySet.sign({ ...claims, exp: now - 3600 });
      await expect(verify(token, { ...base, allowExpired: true })).resolves.toMatchObject({ payload: { sub: 'user-1' } });
      await expectCode(token, { ...base, issuer: 'https://evil.example', allowExpired: true }, 'ERR_JWT_CLAIM_INVALID');
    });

    it('applies clockToleranceSec to exp and nbf', async () => {
      const expired = await keySet.sign({ ...claims, exp: now - 5 });
      await expect(verify(expired, { ...base, clockToleranceSec: 10 })).resolves.toBeDefined();
      await expectCode(expired, { ...base, clockToleranceSec: 4 }, 'ERR_JWT_EXPIRED');
      const early = await keySet.sign({ ...claims, nbf: now + 5 });
      await expectCode(early, base, 'ERR_JWT_CLAIM_INVALID');
      await expect(verify(early, { ...base, clockToleranceSec: 10 })).resolves.toBeDefined();
    });

    it('uses the current time when currentDate is not given', async () => {
      const stale = await keySet.sign({ ...claims, exp: now + 1 });
      jest.useFakeTimers({ now: NOW.getTime() + 60_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        await expectCode(stale, { issuer: ISS }, 'ERR_JWT_EXPIRED');
      } finally {
        jest.useRealTimers();
      }
    });

    it('rejects the wrong iss with ERR_JWT_CLAIM_INVALID', async () => {
      const token = await keySet.sign({ ...claims, iss: 'https://op.example.com/t/other' });
      await expectCode(token, base, 'ERR_JWT_CLAIM_INVALID');
    });

    it('rejects a missing iss when an issuer is expected', async () => {
      const { iss: _dropped, ...rest } = claims;
      await expectCode(await keySet.sign(rest), base, 'ERR_JWT_CLAIM_INVALID');
    });

    it('rejects the wrong or missing aud with ERR_JWT_CLAIM_INVALID', async () => {
      await expectCode(await keySet.sign({ ...claims, aud: 'rp-2' }), base, 'ERR_JWT_CLAIM_INVALID');
      await expectCode(await keySet.sign({ ...claims, aud: ['rp-2', 'rp-3'] }), base, 'ERR_JWT_CLAIM_INVALID');
      const { aud: _dropped, ...rest } = claims;
      await expectCode(await keySet.sign(rest), base, 'ERR_JWT_CLAIM_INVALID');
    });

    it('accepts an aud array that contains the audience, or one of several accepted audiences', async () => {
      const token = await keySet.sign({ ...claims, aud: ['rp-2', 'rp-1'] });
      await expect(verify(token, base)).resolves.toBeDefined();
      await expect(verify(token, { ...base, audience: ['x', 'rp-2'] })).resolves.toBeDefined();
    });

    it('checks typ, case-insensitively and with or without application/', async () => {
      const token = await keySet.sign(claims, { typ: 'logout+jwt' });
      await expect(verify(token, { ...base, typ: 'application/Logout+JWT' })).resolves.toBeDefined();
      await expectCode(token, { ...base, typ: 'JWT' }, 'ERR_JWT_CLAIM_INVALID');
      await expectCode(await keySet.sign(claims), { ...base, typ: 'logout+jwt' }, 'ERR_JWT_CLAIM_INVALID');
    });

    it('enforces requiredClaims', async () => {
      const token = await keySet.sign(claims);
      await expect(verify(token, { ...base, requiredClaims: ['sub', 'exp', 'iat'] })).resolves.toBeDefined();
      await expectCode(token, { ...base, requiredClaims: ['sub', 'nonce'] }, 'ERR_JWT_CLAIM_INVALID');
    });

    it('rejects time claims that are not numbers with ERR_JWT_CLAIM_INVALID', async () => {
      for (const claim of ['exp', 'iat', 'nbf']) {
        await expectCode(await keySet.sign({ ...claims, [claim]: String(now + 60) }), base, 'ERR_JWT_CLAIM_INVALID');
      }
      await expectCode(await keySet.sign({ ...claims, exp: 'never' }), { ...base, allowExpired: true }, 'ERR_JWT_CLAIM_INVALID');
    });
  });

  describe('malformed input', () => {
    it.each([
      ['an empty string', ''],
      ['one part', 'abc'],
      ['two parts', 'abc.def'],
      ['a JWE (five parts)', 'a.b.c.d.e'],
      ['a header that is not JSON', `${b64u('{nope')}.${b64u('{}')}.sig`],
      ['a header that is not an object', `${b64u('[1]')}.${b64u('{}')}.sig`],
    ])('rejects %s with ERR_JWT_MALFORMED', async (_label, token) => {
      await expectCode(token, base, 'ERR_JWT_MALFORMED');
    });

    it('rejects a validly signed payload that is not a JSON object', async () => {
      await expectCode(signRs256({ alg: 'RS256', kid: rsa.kid }, '"just a string"'), base, 'ERR_JWT_MALFORMED');
      await expectCode(signRs256({ alg: 'RS256', kid: rsa.kid }, 'not json'), base, 'ERR_JWT_MALFORMED');
    });

    it('rejects a critical header extension it does not understand', async () => {
      const token = signRs256({ alg: 'RS256', kid: rsa.kid, crit: ['exp'], exp: now }, JSON.stringify(claims));
      await expectCode(token, base, 'ERR_JWT_MALFORMED');
    });

    it('rejects a header without alg', async () => {
      await expectCode(signRs256({ kid: rsa.kid }, JSON.stringify(claims)), base, 'ERR_JWT_MALFORMED');
    });
  });
});

describe('verifyJwtWithJwks specifics', () => {
  it('infers allowed algorithms from keys that carry no alg, kid or use', async () => {
    const bare = { keys: jwks.keys.map((jwk) => ({ kty: jwk.kty, n: jwk.n, e: jwk.e, crv: jwk.crv, x: jwk.x, y: jwk.y })) };
    const token = signRs256({ alg: 'RS256' }, JSON.stringify(claims));
    await expect(verifyJwtWithJwks(token, bare, base)).resolves.toMatchObject({ payload: claims });
    const input = `${b64u(JSON.stringify({ alg: 'ES256' }))}.${b64u(JSON.stringify(claims))}`;
    const ecKey = createPrivateKey({ key: { ...ec.privateJwk }, format: 'jwk' });
    const es = `${input}.${b64u(nodeSign('sha256', Buffer.from(input), { key: ecKey, dsaEncoding: 'ieee-p1363' }))}`;
    await expect(verifyJwtWithJwks(es, bare, base)).resolves.toMatchObject({ header: { alg: 'ES256' } });
    // A token that names a kid needs a key with that kid.
    await expect(verifyJwtWithJwks(await keySet.sign(claims), bare, base)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('never accepts HS256, even when the JWKS holds an oct key declaring it', async () => {
    const secret = Buffer.alloc(32, 7);
    const input = `${b64u(JSON.stringify({ alg: 'HS256', kid: 'mac' }))}.${b64u(JSON.stringify(claims))}`;
    const token = `${input}.${b64u(createHmac('sha256', secret).update(input).digest())}`;
    const withOct = { keys: [...jwks.keys, { kty: 'oct', k: b64u(secret), kid: 'mac', alg: 'HS256' }] };
    await expect(verifyJwtWithJwks(token, withOct, { ...base, algorithms: ['HS256'] })).rejects.toMatchObject({
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  });

  it('ignores keys marked use: enc', async () => {
    const encOnly = { keys: jwks.keys.map((jwk) => ({ ...jwk, use: 'enc' })) };
    const token = await keySet.sign(claims);
    await expect(verifyJwtWithJwks(token, encOnly, { ...base, algorithms: ['RS256'] })).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('rejects a token without kid when several keys fit', async () => {
    const other = await generateSigningKey('RS256');
    const two = { keys: [rsa.publicJwk, other.publicJwk].map(({ kid: _kid, ...jwk }) => jwk) };
    const token = signRs256({ alg: 'RS256' }, JSON.stringify(claims));
    await expect(verifyJwtWithJwks(token, two, base)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it.each<[string, () => unknown]>([
    ['not an object', () => 'jwks'],
    ['keys not an array', () => ({ keys: {} })],
    ['a key that is not an object', () => ({ keys: [1] })],
    ['a JWKS that contains a private key', () => ({ keys: [{ ...rsa.privateJwk }] })],
  ])('rejects %s with ERR_KEY_INVALID', async (_label, makeJwks) => {
    const token = await keySet.sign(claims);
    await expect(verifyJwtWithJwks(token, makeJwks() as JsonWebKeySet, base)).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
  });
});

describe('verifyJwtWithJwks with a frozen (cached) JWKS: the synchronous signature check', () => {
  /** Signs header.payload with node:crypto for each algorithm family. */
  function signWith(alg: 'RS256' | 'PS256' | 'ES256', key: StoredSigningKey, kid: string, payload: object): string {
    const input = `${b64u(JSON.stringify({ alg, kid, typ: 'JWT' }))}.${b64u(JSON.stringify(payload))}`;
    const privateKey = createPrivateKey({ key: { ...key.privateJwk }, format: 'jwk' });
    const signature =
      alg === 'PS256'
        ? nodeSign('sha256', Buffer.from(input), { key: privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 })
        : alg === 'ES256'
          ? nodeSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
          : nodeSign('sha256', Buffer.from(input), privateKey);
    return `${input}.${b64u(signature)}`;
  }
  const frozen = (set: { keys: PublicJwk[] }): JsonWebKeySet => Object.freeze({ keys: Object.freeze(set.keys.map((jwk) => Object.freeze({ ...jwk }))) }) as JsonWebKeySet;

  it.each([
    ['RS256', () => rsa],
    ['PS256', () => rsa],
    ['ES256', () => ec],
  ] as const)('%s: accepts a valid token twice (the second time from the cache) and refuses a changed payload or signature', async (alg, keyOf) => {
    const key = keyOf();
    const publicJwk = jwks.keys.find((jwk) => jwk.kid === key.kid)!;
    const set = frozen({ keys: [{ ...publicJwk, alg }] });
    const token = signWith(alg, key, key.kid, claims);
    for (let i = 0; i < 2; i++) {
      const { payload, header } = await verifyJwtWithJwks(token, set, base);
      expect(payload['sub']).toBe('user-1');
      expect(header.alg).toBe(alg);
    }
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64u(JSON.stringify({ ...claims, sub: 'user-2' }))}.${s}`;
    await expect(verifyJwtWithJwks(forged, set, base)).rejects.toMatchObject({ name: 'CryptoError' });
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BA' : 'AA'}`;
    await expect(verifyJwtWithJwks(flipped, set, base)).rejects.toMatchObject({ name: 'CryptoError' });
  });
});
