import { KeySet, generateSigningKey, signJwtWithSecret } from '@oidc-ref/crypto';
import { commandTokenClaims } from '@oidc-ref/op-commands';
import type { CommandTokenInput } from '@oidc-ref/op-commands';

import { CommandError } from './errors.js';
import { MemoryReplayStore } from './memory.js';
import { cachedJwks, verifyCommandToken } from './verify.js';
import type { VerifyCommandTokenOptions } from './verify.js';

const now = new Date('2026-11-22T12:00:00Z');
const ISS = 'https://op.test';
const ENDPOINT = 'https://rp.test/commands/acme';
const base: CommandTokenInput = { issuer: ISS, commandEndpoint: ENDPOINT, clientId: 'rp-1', tenant: 'acme', command: 'suspend', sub: 'user-1', now };

let keys: KeySet;
let otherKeys: KeySet;
beforeAll(async () => {
  keys = await KeySet.load([await generateSigningKey('ES256')]);
  otherKeys = await KeySet.load([await generateSigningKey('ES256')]);
});

function options(overrides: Partial<VerifyCommandTokenOptions> = {}): VerifyCommandTokenOptions {
  return {
    expectedAudience: ENDPOINT,
    providers: (iss) => (iss === ISS ? { clientId: 'rp-1', jwks: () => Promise.resolve(keys.publicJwks()) } : undefined),
    replay: new MemoryReplayStore(),
    now: () => now,
    ...overrides,
  };
}

const sign = (claims: Record<string, unknown>, typ: string | null = 'command+jwt', set: KeySet = keys) =>
  set.sign(claims, typ === null ? {} : { typ });
const mint = (input: Partial<CommandTokenInput> = {}) => sign(commandTokenClaims({ ...base, ...input }));

async function failure(token: unknown, opts: VerifyCommandTokenOptions = options()): Promise<[number, string]> {
  try {
    await verifyCommandToken(token, opts);
  } catch (err) {
    if (err instanceof CommandError) return [err.status, err.error];
    throw err;
  }
  throw new Error('verified');
}

it('verifies a draft 02 account command', async () => {
  const command = await verifyCommandToken(await mint(), options());
  expect(command).toMatchObject({ kind: 'account', command: 'suspend', async: false, sub: 'user-1', iss: ISS, tenant: 'acme', clientId: 'rp-1' });
});

it('rejects a missing or malformed token with invalid_request', async () => {
  expect(await failure(undefined)).toEqual([400, 'invalid_request']);
  expect(await failure('')).toEqual([400, 'invalid_request']);
  expect(await failure('not.a.jwt')).toEqual([400, 'invalid_request']);
});

it.each([['JWT'], ['application/command+jwt'], ['logout+jwt'], [null]])('rejects typ %p', async (typ) => {
  expect(await failure(await sign(commandTokenClaims(base), typ))).toEqual([400, 'invalid_request']);
});

it('rejects symmetric and unsigned algorithms', async () => {
  const hs = await signJwtWithSecret(commandTokenClaims(base), 'a'.repeat(32), { alg: 'HS256', typ: 'command+jwt' });
  expect(await failure(hs)).toEqual([400, 'invalid_request']);
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'command+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(commandTokenClaims(base))).toString('base64url')}.`;
  expect(await failure(none)).toEqual([400, 'invalid_request']);
});

it('answers 401 unrecognized_provider for an unknown iss', async () => {
  expect(await failure(await mint({ issuer: 'https://evil.test' }))).toEqual([401, 'unrecognized_provider']);
});

it('rejects a token signed by another key', async () => {
  expect(await failure(await sign(commandTokenClaims(base), 'command+jwt', otherKeys))).toEqual([400, 'invalid_request']);
});

it('refetches the JWKS once on an unknown kid', async () => {
  const load = jest.fn().mockResolvedValueOnce(otherKeys.publicJwks()).mockResolvedValue(keys.publicJwks());
  let t = 0;
  const jwks = cachedJwks(load, { now: () => t });
  await jwks();
  t = 60_000; // the cached set is older than minRefreshSeconds
  const opts = options({ providers: () => ({ clientId: 'rp-1', jwks }) });
  await expect(verifyCommandToken(await mint(), opts)).resolves.toMatchObject({ command: 'suspend' });
  await expect(verifyCommandToken(await mint(), opts)).resolves.toMatchObject({ command: 'suspend' });
  expect(load).toHaveBeenCalledTimes(2);
});

it('rate-limits JWKS refreshes', async () => {
  let t = 0;
  const load = jest.fn().mockResolvedValue(otherKeys.publicJwks());
  const jwks = cachedJwks(load, { minRefreshSeconds: 30, now: () => t });
  await jwks();
  t = 10_000;
  await jwks({ refresh: true });
  expect(load).toHaveBeenCalledTimes(1);
  t = 31_000;
  await jwks({ refresh: true });
  expect(load).toHaveBeenCalledTimes(2);
});

it.each([
  ['the client_id', 'rp-1'],
  ['another endpoint', 'https://rp.test/commands/other'],
])('rejects aud = %s', async (_name, aud) => {
  expect(await failure(await mint({ commandEndpoint: aud }))).toEqual([400, 'invalid_request']);
});

it('rejects a wrong client_id', async () => {
  expect(await failure(await mint({ clientId: 'rp-2' }))).toEqual([400, 'invalid_request']);
});

it('rejects an expired token and one issued in the future, within the skew', async () => {
  expect(await failure(await mint({ now: new Date(now.getTime() - 120_000) }))).toEqual([400, 'invalid_request']);
  expect(await failure(await mint({ now: new Date(now.getTime() + 120_000) }))).toEqual([400, 'invalid_request']);
  await expect(verifyCommandToken(await mint({ now: new Date(now.getTime() + 10_000) }), options())).resolves.toBeDefined();
});

it('rejects a replayed jti', async () => {
  const opts = options();
  const token = await mint();
  await verifyCommandToken(token, opts);
  expect(await failure(token, opts)).toEqual([400, 'invalid_request']);
});

it('rejects a nonce', async () => {
  expect(await failure(await sign({ ...commandTokenClaims(base), nonce: 'n' }))).toEqual([400, 'invalid_request']);
});

it('rejects a token without tenant or command', async () => {
  const { tenant: _t, ...noTenant } = commandTokenClaims(base);
  expect(await failure(await sign(noTenant))).toEqual([400, 'invalid_request']);
  const { command: _c, ...noCommand } = commandTokenClaims(base);
  expect(await failure(await sign(noCommand))).toEqual([400, 'invalid_request']);
});

describe('per-command claim rules', () => {
  const claims = commandTokenClaims(base);
  const tenantClaims = commandTokenClaims({ ...base, command: 'audit_tenant', sub: undefined });
  it.each([
    ['an account command without sub', { ...claims, sub: undefined }],
    ['a tenant command with sub', { ...tenantClaims, sub: 'u' }],
    ['a tenant command with aud_sub', { ...tenantClaims, aud_sub: 'u' }],
    ['metadata without the metadata claim', { ...tenantClaims, command: 'metadata' }],
    ['metadata claim in an account command', { ...claims, metadata: {} }],
    ['metadata claim in audit_tenant', { ...tenantClaims, metadata: {} }],
    ['migrate without authentication_provider', { ...claims, command: 'migrate' }],
    ['migrate with a bad authentication_provider', { ...claims, command: 'migrate', authentication_provider: 'rp' }],
    ['authentication_provider outside migrate', { ...claims, authentication_provider: 'op' }],
    ['callback_token in a sync account command', { ...claims, callback_token: 'cb' }],
    ['callback_token in suspend_tenant', { ...tenantClaims, command: 'suspend_tenant', callback_token: 'cb' }],
  ])('rejects %s', async (_name, body) => {
    const clean = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    expect(await failure(await sign(clean))).toEqual([400, 'invalid_request']);
  });

  it('accepts what each command needs', async () => {
    await expect(verifyCommandToken(await mint({ command: 'metadata', sub: undefined, metadata: { groups: [] }, callbackToken: 'cb' }), options())).resolves.toMatchObject({
      kind: 'tenant',
      command: 'metadata',
      metadata: { groups: [] },
      callbackToken: 'cb',
    });
    await expect(verifyCommandToken(await mint({ command: 'migrate', authenticationProvider: 'op' }), options())).resolves.toMatchObject({
      kind: 'account',
      authenticationProvider: 'op',
    });
    await expect(verifyCommandToken(await mint({ command: 'activate_async', callbackToken: 'cb' }), options())).resolves.toMatchObject({
      command: 'activate',
      async: true,
      callbackToken: 'cb',
    });
    await expect(verifyCommandToken(await mint({ command: 'audit_tenant', sub: undefined, callbackToken: 'cb' }), options())).resolves.toMatchObject({
      kind: 'tenant',
      command: 'audit_tenant',
    });
  });
});

it('maps draft 00 names and leaves unknown commands to the caller', async () => {
  await expect(verifyCommandToken(await sign({ ...commandTokenClaims(base), command: 'unauthorize' }), options())).resolves.toMatchObject({
    kind: 'account',
    command: 'invalidate',
    wireCommand: 'unauthorize',
  });
  const tenant = commandTokenClaims({ ...base, command: 'audit_tenant', sub: undefined });
  await expect(verifyCommandToken(await sign({ ...tenant, command: 'unauthorize_tenant' }), options())).resolves.toMatchObject({
    kind: 'tenant',
    command: 'invalidate_tenant',
  });
  await expect(verifyCommandToken(await sign({ ...commandTokenClaims(base), command: 'frobnicate' }), options())).resolves.toMatchObject({ kind: 'unknown' });
  await expect(verifyCommandToken(await sign({ ...tenant, command: 'audit_tenant_async' }), options())).resolves.toMatchObject({ kind: 'unknown' });
  await expect(verifyCommandToken(await sign({ ...commandTokenClaims(base), command: 'suspend_audit' }), options())).resolves.toMatchObject({ kind: 'unknown' });
});
