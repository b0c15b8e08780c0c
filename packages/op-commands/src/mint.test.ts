import { KeySet, generateSigningKey, verifyJwtWithJwks } from '@oidc-ref/crypto';
import { CommandError } from './errors.js';
import { commandTokenClaims, mintCommandToken, type CommandTokenInput } from './mint.js';

const now = new Date('2026-11-22T12:00:00Z');
const base: CommandTokenInput = {
  issuer: 'https://op.test',
  commandEndpoint: 'https://rp.test/commands/acme',
  clientId: 'rp-1',
  tenant: 'acme',
  command: 'suspend',
  sub: 'user-1',
  now,
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof CommandError ? err.code : String(err);
  }
};

it('mints a command+jwt that verifies with the OP keys and carries the draft 02 claims', async () => {
  const keys = await KeySet.load([await generateSigningKey('ES256')]);
  const token = await mintCommandToken(keys, base);
  const { payload, header } = await verifyJwtWithJwks(token, keys.publicJwks(), { issuer: 'https://op.test', typ: 'command+jwt', currentDate: now });
  expect(header.typ).toBe('command+jwt');
  expect(payload).toMatchObject({ aud: 'https://rp.test/commands/acme', client_id: 'rp-1', tenant: 'acme', command: 'suspend', sub: 'user-1' });
  expect((payload.exp as number) - (payload.iat as number)).toBe(60);
  expect(payload).not.toHaveProperty('nonce');
});

it('gives every token a fresh jti', () => {
  const a = commandTokenClaims(base).jti;
  const b = commandTokenClaims(base).jti;
  expect(a).not.toBe(b);
});

it.each([
  ['an account command without sub', { sub: undefined }],
  ['a tenant command with sub', { command: 'audit_tenant' as const }],
  ['a tenant command with aud_sub', { command: 'audit_tenant' as const, sub: undefined, audSub: 'x' }],
  ['metadata without the metadata claim', { command: 'metadata' as const, sub: undefined }],
  ['metadata claim outside metadata', { metadata: {} }],
  ['migrate without authentication_provider', { command: 'migrate' as const }],
  ['authentication_provider outside migrate', { authenticationProvider: 'op' as const }],
  ['callback_token on a sync account command', { callbackToken: 't' }],
  ['profile claims outside activate/maintain', { claims: { email: 'a@b' } }],
  ['reserved claims smuggled in', { command: 'activate' as const, claims: { nonce: 'x' } }],
  ['an unknown command', { command: 'frobnicate' as never }],
])('refuses %s', (_name, change) => {
  expect(codeOf(() => commandTokenClaims({ ...base, ...change }))).toBe('ERR_CLAIMS');
});

it('refuses a lifetime over 120 seconds', () => {
  expect(codeOf(() => commandTokenClaims({ ...base, ttlSeconds: 121 }))).toBe('ERR_TTL');
  expect(commandTokenClaims({ ...base, ttlSeconds: 120 }).exp).toBe(Math.floor(now.getTime() / 1000) + 120);
});

it('allows what each command needs', () => {
  expect(commandTokenClaims({ ...base, command: 'activate', claims: { email: 'a@b', groups: ['g'] } })).toMatchObject({ email: 'a@b', groups: ['g'] });
  expect(commandTokenClaims({ ...base, command: 'metadata', sub: undefined, metadata: { groups: [] }, callbackToken: 'cb' })).toMatchObject({
    metadata: { groups: [] },
    callback_token: 'cb',
  });
  expect(commandTokenClaims({ ...base, command: 'migrate', authenticationProvider: 'op' })).toMatchObject({ authentication_provider: 'op' });
  expect(commandTokenClaims({ ...base, command: 'suspend_async', callbackToken: 'cb' })).toMatchObject({ callback_token: 'cb' });
});

describe('draft00Name (§13)', () => {
  const base = { issuer: 'https://op.example', commandEndpoint: 'https://rp.example/c', clientId: 'rp', tenant: 't', now: new Date(0) };
  it('sends unauthorize for invalidate and unauthorize_tenant for invalidate_tenant, nothing else changes', () => {
    expect(commandTokenClaims({ ...base, command: 'invalidate', sub: 'u', draft00Name: true }).command).toBe('unauthorize');
    expect(commandTokenClaims({ ...base, command: 'invalidate_tenant', draft00Name: true }).command).toBe('unauthorize_tenant');
    expect(commandTokenClaims({ ...base, command: 'suspend', sub: 'u', draft00Name: true }).command).toBe('suspend');
    expect(commandTokenClaims({ ...base, command: 'invalidate', sub: 'u' }).command).toBe('invalidate');
  });
});
