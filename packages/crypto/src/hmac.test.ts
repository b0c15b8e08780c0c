import { signJwtWithSecret, verifyJwtWithSecret } from './hmac.js';
import { CryptoError } from './errors.js';
import { KeySet } from './key-set.js';
import { generateSigningKey } from './keys.js';

const secret = 'a-client-secret-that-is-long-enough-0123456789';
const now = Math.floor(Date.now() / 1000);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof CryptoError ? err.code : `other: ${String(err)}`;
  }
}

describe('HMAC JWTs', () => {
  it('round-trips HS256/384/512 and checks claims', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const token = await signJwtWithSecret({ iss: 'c1', aud: 'https://op.test', exp: now + 60 }, secret, { alg });
      const { payload, header } = await verifyJwtWithSecret(token, secret, { issuer: 'c1', audience: 'https://op.test' });
      expect(header.alg).toBe(alg);
      expect(payload.iss).toBe('c1');
    }
  });

  it('refuses a wrong secret, an expired token and a wrong audience', async () => {
    const token = await signJwtWithSecret({ aud: 'x', exp: now + 60 }, secret);
    expect(await codeOf(verifyJwtWithSecret(token, `${secret}!`, {}))).toBe('ERR_JWS_SIGNATURE_INVALID');
    expect(await codeOf(verifyJwtWithSecret(token, secret, { audience: 'y' }))).toBe('ERR_JWT_CLAIM_INVALID');
    const expired = await signJwtWithSecret({ exp: now - 60 }, secret);
    expect(await codeOf(verifyJwtWithSecret(expired, secret, {}))).toBe('ERR_JWT_EXPIRED');
  });

  it('never accepts an asymmetric or none alg through the secret path', async () => {
    const keys = await KeySet.load([await generateSigningKey('ES256')]);
    const es = await keys.sign({ exp: now + 60 });
    expect(await codeOf(verifyJwtWithSecret(es, secret, {}))).toBe('ERR_ALG_NOT_ALLOWED');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(await codeOf(verifyJwtWithSecret(none, secret, {}))).toBe('ERR_ALG_NOT_ALLOWED');
  });

  it('honours an algorithms allow-list', async () => {
    const token = await signJwtWithSecret({ exp: now + 60 }, secret, { alg: 'HS512' });
    expect(await codeOf(verifyJwtWithSecret(token, secret, { algorithms: ['HS256'] }))).toBe('ERR_ALG_NOT_ALLOWED');
  });
});
