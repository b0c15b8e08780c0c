import { KeySet, generateSigningKey, signJwtWithSecret } from '@oidc-ref/crypto';

import { cachedJwks } from '../commands/verify.js';
import { MemoryReplayStore } from '../commands/memory.js';
import { LogoutTokenError } from './errors.js';
import type { LogoutTokenErrorCode } from './errors.js';
import { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken } from './verify.js';
import type { VerifyLogoutTokenOptions } from './verify.js';

const now = new Date('2026-11-22T12:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const ISS = 'https://op.test';
const CLIENT = 'rp-1';

let keys: KeySet;
let otherKeys: KeySet;
beforeAll(async () => {
  keys = await KeySet.load([await generateSigningKey('ES256')]);
  otherKeys = await KeySet.load([await generateSigningKey('ES256')]);
});

let counter = 0;
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const base: Record<string, unknown> = {
    iss: ISS,
    aud: CLIENT,
    iat: nowSeconds,
    exp: nowSeconds + 120,
    jti: `jti-${counter}`,
    sub: 'user-1',
    sid: 'sid-1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

const sign = (payload: Record<string, unknown>, typ: string | null = 'logout+jwt', set: KeySet = keys) =>
  set.sign(payload, typ === null ? {} : { typ });

function options(overrides: Partial<VerifyLogoutTokenOptions> = {}): VerifyLogoutTokenOptions {
  return { issuer: ISS, clientId: CLIENT, jwks: () => Promise.resolve(keys.publicJwks()), replay: new MemoryReplayStore(), now: () => now, ...overrides };
}

async function failure(token: unknown, opts: VerifyLogoutTokenOptions = options()): Promise<LogoutTokenErrorCode> {
  try {
    await verifyLogoutToken(token, opts);
  } catch (err) {
    if (err instanceof LogoutTokenError) {
      expect(err.status).toBe(400);
      expect(err.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      return err.code;
    }
    throw err;
  }
  throw new Error('verified');
}

it('verifies a logout token and returns sub, sid and jti', async () => {
  const payload = claims();
  const verified = await verifyLogoutToken(await sign(payload), options());
  expect(verified).toMatchObject({ iss: ISS, sub: 'user-1', sid: 'sid-1', jti: payload['jti'], iat: nowSeconds, exp: nowSeconds + 120 });
});

it('accepts sid alone, sub alone, aud as an array, and application/logout+jwt', async () => {
  await expect(verifyLogoutToken(await sign(claims({ sub: undefined })), options())).resolves.toMatchObject({ sid: 'sid-1' });
  const subOnly = await verifyLogoutToken(await sign(claims({ sid: undefined })), options());
  expect(subOnly.sub).toBe('user-1');
  expect(subOnly.sid).toBeUndefined();
  await expect(verifyLogoutToken(await sign(claims({ aud: ['other', CLIENT] })), options())).resolves.toBeDefined();
  await expect(verifyLogoutToken(await sign(claims(), 'application/logout+jwt'), options())).resolves.toBeDefined();
});

it('rejects a missing or malformed token', async () => {
  expect(await failure(undefined)).toBe('missing_token');
  expect(await failure('')).toBe('missing_token');
  expect(await failure('not.a.jwt')).toBe('malformed');
  expect(await failure('a.b.c.d.e')).toBe('encrypted');
});

it('rejects a token with a nonce', async () => {
  expect(await failure(await sign(claims({ nonce: 'n-1' })))).toBe('nonce');
});

it.each([['JWT'], ['command+jwt'], ['at+jwt'], ['logout']])('rejects typ %p', async (typ) => {
  expect(await failure(await sign(claims(), typ))).toBe('typ');
});

it('rejects a missing typ unless allowMissingTyp is set', async () => {
  expect(await failure(await sign(claims(), null))).toBe('typ');
  await expect(verifyLogoutToken(await sign(claims(), null), options({ allowMissingTyp: true }))).resolves.toBeDefined();
  expect(await failure(await sign(claims(), 'JWT'), options({ allowMissingTyp: true }))).toBe('typ');
});

it.each([['another client', 'rp-2'], ['an array without it', ['rp-2', 'rp-3']], ['missing', undefined]])('rejects aud = %s', async (_name, aud) => {
  expect(await failure(await sign(claims({ aud })))).toBe('aud');
});

it('rejects another issuer', async () => {
  expect(await failure(await sign(claims({ iss: 'https://evil.test' })))).toBe('iss');
  expect(await failure(await sign(claims({ iss: `${ISS}/` })))).toBe('iss');
});

it('rejects a replayed jti, and stores it only once a token passed every other check', async () => {
  const opts = options();
  const token = await sign(claims({ jti: 'once' }));
  await expect(verifyLogoutToken(token, opts)).resolves.toBeDefined();
  expect(await failure(token, opts)).toBe('replay');
  expect(await failure(await sign(claims({ jti: 'once', sid: 'sid-2' })), opts)).toBe('replay');

  const checkAndStore = jest.fn().mockResolvedValue(true);
  expect(await failure(await sign(claims({ nonce: 'x' })), options({ replay: { checkAndStore } }))).toBe('nonce');
  expect(checkAndStore).not.toHaveBeenCalled();
});

it('stores the jti until exp', async () => {
  const checkAndStore = jest.fn().mockResolvedValue(true);
  await verifyLogoutToken(await sign(claims({ jti: 'j-exp' })), options({ replay: { checkAndStore } }));
  expect(checkAndStore).toHaveBeenCalledWith(ISS, 'j-exp', nowSeconds + 120);
});

it('rejects a missing or empty jti', async () => {
  expect(await failure(await sign(claims({ jti: undefined })))).toBe('jti');
  expect(await failure(await sign(claims({ jti: '' })))).toBe('jti');
});

it('rejects a token without events', async () => {
  expect(await failure(await sign(claims({ events: undefined })))).toBe('events');
});

it.each([
  ['without the back-channel member', { 'http://schemas.openid.net/event/other': {} }],
  ['with a string member', { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' }],
  ['with an array member', { [BACKCHANNEL_LOGOUT_EVENT]: [] }],
  ['with a null member', { [BACKCHANNEL_LOGOUT_EVENT]: null }],
  ['as an array', [BACKCHANNEL_LOGOUT_EVENT]],
])('rejects events %s', async (_name, events) => {
  expect(await failure(await sign(claims({ events })))).toBe('events');
});

it('accepts a non-empty event object (SHOULD be empty, MUST be an object)', async () => {
  await expect(verifyLogoutToken(await sign(claims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: { extra: 1 } } })), options())).resolves.toBeDefined();
});

it('rejects a token with neither sub nor sid, or with empty ones', async () => {
  expect(await failure(await sign(claims({ sub: undefined, sid: undefined })))).toBe('sub_or_sid');
  expect(await failure(await sign(claims({ sub: '', sid: undefined })))).toBe('sub_or_sid');
  expect(await failure(await sign(claims({ sid: 42 })))).toBe('sub_or_sid');
});

it('rejects an expired token, beyond the skew', async () => {
  expect(await failure(await sign(claims({ iat: nowSeconds - 300, exp: nowSeconds - 60 })))).toBe('exp');
  await expect(verifyLogoutToken(await sign(claims({ iat: nowSeconds - 130, exp: nowSeconds - 10 })), options())).resolves.toBeDefined();
});

it('requires exp unless allowMissingExp, then accepts it for maxAgeSeconds after iat', async () => {
  expect(await failure(await sign(claims({ exp: undefined })))).toBe('exp');
  const checkAndStore = jest.fn().mockResolvedValue(true);
  const lenient = options({ allowMissingExp: true, replay: { checkAndStore } });
  await expect(verifyLogoutToken(await sign(claims({ exp: undefined, jti: 'no-exp' })), lenient)).resolves.toMatchObject({ exp: nowSeconds + 120 });
  expect(checkAndStore).toHaveBeenCalledWith(ISS, 'no-exp', nowSeconds + 120);
  expect(await failure(await sign(claims({ exp: undefined, iat: nowSeconds - 200 })), lenient)).toBe('exp');
});

it('rejects a future iat, beyond the skew, and a missing iat', async () => {
  expect(await failure(await sign(claims({ iat: nowSeconds + 120, exp: nowSeconds + 240 })))).toBe('iat');
  await expect(verifyLogoutToken(await sign(claims({ iat: nowSeconds + 10 })), options())).resolves.toBeDefined();
  expect(await failure(await sign(claims({ iat: undefined })))).toBe('iat');
});

it('rejects a bad signature: another key, or a tampered payload', async () => {
  expect(await failure(await sign(claims(), 'logout+jwt', otherKeys))).toBe('signature');
  const [header, , signature] = (await sign(claims())).split('.');
  const forged = Buffer.from(JSON.stringify(claims({ sub: 'someone-else' }))).toString('base64url');
  expect(await failure(`${header}.${forged}.${signature}`)).toBe('signature');
});

it('rejects alg none and HS256 unless HS256 is configured with the client secret', async () => {
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
  expect(await failure(none)).toBe('alg');
  expect(await failure(none, options({ algorithms: ['none', 'ES256'] }))).toBe('alg');
  const secret = 's'.repeat(32);
  const hs = await signJwtWithSecret(claims(), secret, { alg: 'HS256', typ: 'logout+jwt' });
  expect(await failure(hs)).toBe('alg');
  expect(await failure(hs, options({ algorithms: ['HS256'] }))).toBe('alg');
  expect(await failure(hs, options({ clientSecret: secret }))).toBe('alg');
  await expect(verifyLogoutToken(hs, options({ algorithms: ['HS256'], clientSecret: secret }))).resolves.toBeDefined();
  expect(await failure(hs, options({ algorithms: ['HS256'], clientSecret: 'another-secret-of-enough-length!' }))).toBe('signature');
});

it('rejects an alg outside the configured list', async () => {
  expect(await failure(await sign(claims()), options({ algorithms: ['RS256'] }))).toBe('alg');
});

it('refetches the JWKS once on an unknown kid (key rotation at the OP)', async () => {
  const load = jest.fn().mockResolvedValueOnce(otherKeys.publicJwks()).mockResolvedValue(keys.publicJwks());
  let t = 0;
  const jwks = cachedJwks(load, { now: () => t });
  await jwks();
  t = 60_000;
  await expect(verifyLogoutToken(await sign(claims()), options({ jwks }))).resolves.toBeDefined();
  await expect(verifyLogoutToken(await sign(claims()), options({ jwks }))).resolves.toBeDefined();
  expect(load).toHaveBeenCalledTimes(2);
});

it('still refuses an unknown kid after the refresh', async () => {
  const load = jest.fn().mockResolvedValue(otherKeys.publicJwks());
  const jwks = cachedJwks(load, { minRefreshSeconds: 0 });
  expect(await failure(await sign(claims()), options({ jwks }))).toBe('signature');
  expect(load).toHaveBeenCalledTimes(2);
});

it('accepts a plain JWKS object', async () => {
  await expect(verifyLogoutToken(await sign(claims()), options({ jwks: keys.publicJwks() }))).resolves.toBeDefined();
});

it('checks in the spec order: the signature before the claims, the claims before the replay cache', async () => {
  // A token signed by another key with a nonce and no events is a signature failure.
  expect(await failure(await sign(claims({ nonce: 'n', events: undefined }), 'logout+jwt', otherKeys))).toBe('signature');
  expect(await failure(await sign(claims({ nonce: 'n', events: undefined, sub: undefined, sid: undefined })))).toBe('sub_or_sid');
  expect(await failure(await sign(claims({ nonce: 'n', events: undefined })))).toBe('events');
  expect(await failure(await sign(claims({ aud: 'x', nonce: 'n' }), 'JWT'))).toBe('typ');
});
