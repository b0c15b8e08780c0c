import { authenticationOf } from './authentication-claims.js';

const jwt = (payload: unknown) =>
  `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('authenticationOf', () => {
  it('reads iss, sub, acr, amr and auth_time of a stored ID token, and nothing else', () => {
    expect(
      authenticationOf(jwt({ iss: 'https://op', sub: 'alice', acr: 'urn:a', amr: ['pwd'], auth_time: 1, tenant: 'acme', nonce: 'n' })),
    ).toEqual({ iss: 'https://op', sub: 'alice', acr: 'urn:a', amr: ['pwd'], auth_time: 1 });
    expect(authenticationOf(jwt({ iss: 'https://op', sub: 'alice' }))).toEqual({ iss: 'https://op', sub: 'alice' });
  });

  it('is undefined without a usable token', () => {
    expect(authenticationOf(null)).toBeUndefined();
    expect(authenticationOf('')).toBeUndefined();
    expect(authenticationOf('not.a.jwt')).toBeUndefined();
    expect(authenticationOf(jwt({ iss: 'https://op' }))).toBeUndefined();
    expect(authenticationOf(jwt({ iss: 'https://op', sub: 'alice', auth_time: '1' }))).toBeUndefined();
  });
});
