import { IdTokenClaimsSchema, PERSONAL_TENANT, audienceIncludes } from './id-token.js';

const valid = {
  iss: 'https://op.example.com/t/acme',
  sub: 'user-123',
  aud: 'rp-client',
  exp: 1_700_000_600,
  iat: 1_700_000_000,
  tenant: 'org_8f2c',
  tenant_name: 'Acme Corp',
};

describe('IdTokenClaimsSchema', () => {
  it('accepts the minimal claim set', () => {
    expect(IdTokenClaimsSchema.parse(valid)).toEqual(valid);
  });

  it('accepts every optional claim and an audience array', () => {
    const full = {
      ...valid,
      aud: ['rp-client', 'other'],
      auth_time: 1_699_999_990,
      nonce: 'n-0S6_WzA2Mj',
      acr: 'urn:mace:incommon:iap:silver',
      amr: ['pwd', 'otp'],
      azp: 'rp-client',
      at_hash: 'xsZZrUssMXjL3FBlzoSh2g',
      c_hash: 'LDktKdoQak3Pk0cnXxCltA',
      s_hash: 'adt46pcdiB-l6eTNifgoVM-5AIJAxq84',
      sid: '08a5019c-17e1-4977-8f42-65a12843ea02',
    };
    expect(IdTokenClaimsSchema.parse(full)).toEqual(full);
  });

  it('accepts the personal tenant', () => {
    const claims = IdTokenClaimsSchema.parse({ ...valid, tenant: PERSONAL_TENANT, tenant_name: 'Personal' });
    expect(claims.tenant).toBe('personal');
  });

  it('keeps unknown claims (loose)', () => {
    const claims = IdTokenClaimsSchema.parse({ ...valid, email: 'a@example.com' });
    expect(claims['email']).toBe('a@example.com');
  });

  it.each(['iss', 'sub', 'aud', 'exp', 'iat', 'tenant', 'tenant_name'])('rejects a missing %s', (claim) => {
    const { [claim]: _dropped, ...rest } = valid as Record<string, unknown>;
    expect(IdTokenClaimsSchema.safeParse(rest).success).toBe(false);
  });

  it.each<[string, unknown]>([
    ['iss', 'not a url'],
    ['iss', 'https://op.example.com/?tenant=acme'],
    ['iss', 'https://op.example.com/#frag'],
    ['iss', 'ftp://op.example.com'],
    ['sub', ''],
    ['sub', 'x'.repeat(256)],
    ['aud', []],
    ['aud', ['']],
    ['aud', 42],
    ['exp', '1700000600'],
    ['iat', Number.POSITIVE_INFINITY],
    ['exp', -1],
    ['auth_time', 'yesterday'],
    ['nonce', null],
    ['amr', 'pwd'],
    ['amr', [1]],
    ['sid', ''],
    ['tenant', ''],
    ['tenant_name', 7],
  ])('rejects %s = %p', (claim, value) => {
    expect(IdTokenClaimsSchema.safeParse({ ...valid, [claim]: value }).success).toBe(false);
  });

  it('accepts a sub of exactly 255 characters', () => {
    expect(IdTokenClaimsSchema.safeParse({ ...valid, sub: 'x'.repeat(255) }).success).toBe(true);
  });
});

describe('audienceIncludes', () => {
  it('matches a string audience exactly', () => {
    expect(audienceIncludes('rp-client', 'rp-client')).toBe(true);
    expect(audienceIncludes('rp-client', 'RP-CLIENT')).toBe(false);
    expect(audienceIncludes('rp-client-2', 'rp-client')).toBe(false);
  });

  it('looks for membership in an array audience', () => {
    expect(audienceIncludes(['a', 'rp-client'], 'rp-client')).toBe(true);
    expect(audienceIncludes(['a', 'b'], 'rp-client')).toBe(false);
    expect(audienceIncludes([], 'rp-client')).toBe(false);
  });
});
