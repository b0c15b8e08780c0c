import { TokenResponseSchema } from './token-response.js';

const valid = {
  access_token: 'SlAV32hkKG',
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: '8xLOxBtZp8',
  id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
  scope: 'openid profile',
};

describe('TokenResponseSchema', () => {
  it('accepts a full code-flow response', () => {
    expect(TokenResponseSchema.parse(valid)).toEqual(valid);
  });

  it('accepts the two required members alone', () => {
    expect(TokenResponseSchema.safeParse({ access_token: 'a', token_type: 'bearer' }).success).toBe(true);
  });

  it('keeps unknown members (loose)', () => {
    expect(TokenResponseSchema.parse({ ...valid, refresh_expires_in: 60 })['refresh_expires_in']).toBe(60);
  });

  it.each(['access_token', 'token_type'])('rejects a missing %s', (member) => {
    const { [member]: _dropped, ...rest } = valid as Record<string, unknown>;
    expect(TokenResponseSchema.safeParse(rest).success).toBe(false);
  });

  it.each<[string, unknown]>([
    ['access_token', ''],
    ['token_type', ''],
    ['expires_in', '3600'],
    ['expires_in', 1.5],
    ['expires_in', -1],
    ['refresh_token', null],
    ['id_token', ''],
    ['scope', ['openid']],
  ])('rejects %s = %p', (member, value) => {
    expect(TokenResponseSchema.safeParse({ ...valid, [member]: value }).success).toBe(false);
  });
});
