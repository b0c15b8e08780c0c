import type { UserRecord } from '../repositories/user-repository.js';
import { idTokenUserClaims, requestedClaims, scopeClaims, userinfoClaims } from './user-claims.js';

const user: UserRecord = {
  id: 'u1',
  email: 'ada@example.test',
  emailVerified: true,
  name: 'Ada',
  passwordHash: 'x',
  status: 'active',
  organization: { id: 'org-1', name: 'Org One' },
};

it('releases the claims of the granted scopes, leaving out claims without a value', () => {
  expect(scopeClaims(user, ['openid', 'profile'])).toEqual({ name: 'Ada' });
  expect(scopeClaims(user, ['email', 'phone', 'address'])).toEqual({ email: 'ada@example.test', email_verified: true });
  expect(scopeClaims({ ...user, name: '' }, ['profile'])).toEqual({});
});

it('releases requested standard claims whatever the scopes, and nothing unknown', () => {
  expect(requestedClaims(user, { email: { essential: true }, nickname: null, passwordHash: null, constructor: null })).toEqual({
    email: 'ada@example.test',
  });
  expect(requestedClaims(user, undefined)).toEqual({});
});

it('builds the userinfo body from sub, scopes, the stored userinfo claims request and tenant', () => {
  expect(userinfoClaims(user, ['openid'], { name: null })).toEqual({ sub: 'u1', name: 'Ada', tenant: 'org-1', tenant_name: 'Org One' });
  expect(userinfoClaims(user, ['openid', 'email'])).toEqual({
    sub: 'u1',
    email: 'ada@example.test',
    email_verified: true,
    tenant: 'org-1',
    tenant_name: 'Org One',
  });
  expect(userinfoClaims(user, ['openid'], 'garbage')).toEqual({ sub: 'u1', tenant: 'org-1', tenant_name: 'Org One' });
});

it('gives the ID token the id_token member of the request, plus the scope claims only when asked', () => {
  const claimsRequest = { id_token: { email: null }, userinfo: { name: null } };
  expect(idTokenUserClaims(user, { claimsRequest })).toEqual({ email: 'ada@example.test' });
  expect(idTokenUserClaims(user, { claimsRequest, scopes: ['openid', 'profile'] })).toEqual({ name: 'Ada', email: 'ada@example.test' });
  expect(idTokenUserClaims(user, {})).toEqual({});
});
