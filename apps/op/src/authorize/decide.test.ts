import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { authenticationTooOld, consentScopes, decideNextStep, requiredUserIds, type DecideInput } from './decide.js';
import type { AuthorizationParams } from './params.js';

const now = new Date('2026-11-22T12:00:00Z');
const params: AuthorizationParams = {
  client_id: 'c1',
  redirect_uri: 'https://rp.test/cb',
  response_type: 'code',
  response_mode: 'query',
  scopes: ['openid', 'email'],
  code_challenge: 'x'.repeat(43),
  code_challenge_method: 'S256',
  prompt: [],
};
const client = { id: 'c1', firstParty: false } as ClientRecord;
const session: SessionRecord = {
  id: 's1',
  userId: 'u1',
  authTime: new Date(now.getTime() - 600_000),
  acr: 'urn:oidc-ref:acr:pwd',
  amr: ['pwd'],
  expiresAt: new Date(now.getTime() + 3_600_000),
};
const input = (over: Partial<DecideInput> = {}): DecideInput => ({
  params,
  client,
  session,
  authenticatedNow: false,
  grantedScopes: ['openid', 'email'],
  now,
  ...over,
});
const errorOf = (fn: () => unknown) => {
  try {
    return fn();
  } catch (err) {
    return (err as { error: string }).error;
  }
};

it('asks for login without a session, or an error under prompt=none', () => {
  expect(decideNextStep(input({ session: null }))).toBe('login');
  expect(errorOf(() => decideNextStep(input({ session: null, params: { ...params, prompt: ['none'] } })))).toBe('login_required');
});

it('asks for login under prompt=login unless the user just authenticated', () => {
  const p = { ...params, prompt: ['login'] };
  expect(decideNextStep(input({ params: p }))).toBe('login');
  expect(decideNextStep(input({ params: p, authenticatedNow: true }))).toBe('issue');
});

it('honours max_age against auth_time', () => {
  expect(decideNextStep(input({ params: { ...params, max_age: 601 } }))).toBe('issue');
  expect(decideNextStep(input({ params: { ...params, max_age: 599 } }))).toBe('login');
  expect(decideNextStep(input({ params: { ...params, max_age: 0 }, authenticatedNow: true }))).toBe('issue');
});

it('asks for login when the hinted user is not the session user', () => {
  expect(decideNextStep(input({ params: { ...params, hinted_sub: 'u2' } }))).toBe('login');
  expect(decideNextStep(input({ params: { ...params, hinted_sub: 'u1' } }))).toBe('issue');
  expect(errorOf(() => decideNextStep(input({ params: { ...params, hinted_sub: 'u2', prompt: ['none'] } })))).toBe(
    'login_required',
  );
});

it('treats a claims sub value like an id_token_hint', () => {
  const claims = { id_token: { sub: { value: 'u2' } } };
  expect(requiredUserIds({ ...params, claims, hinted_sub: 'u1' })).toEqual(['u1', 'u2']);
  expect(decideNextStep(input({ params: { ...params, claims } }))).toBe('login');
  expect(errorOf(() => decideNextStep(input({ params: { ...params, claims, prompt: ['none'] } })))).toBe('login_required');
  expect(decideNextStep(input({ params: { ...params, claims: { userinfo: { sub: { value: 'u1' } } } } }))).toBe('issue');
});

it('fails an essential acr the session does not meet, and accepts one it meets', () => {
  const acr = (values: string[]) => ({ ...params, claims: { id_token: { acr: { essential: true, values } } } });
  expect(errorOf(() => decideNextStep(input({ params: acr(['urn:x:mfa']) })))).toBe('unmet_authentication_requirements');
  expect(decideNextStep(input({ params: acr(['urn:x:mfa', 'urn:oidc-ref:acr:pwd']) }))).toBe('issue');
  const voluntary = { ...params, claims: { id_token: { acr: { values: ['urn:x:mfa'] } } } };
  expect(decideNextStep(input({ params: voluntary }))).toBe('issue');
});

it('asks for consent when scopes are missing or prompt=consent, except for first-party clients', () => {
  expect(decideNextStep(input({ grantedScopes: ['openid'] }))).toBe('consent');
  expect(decideNextStep(input({ params: { ...params, prompt: ['consent'] } }))).toBe('consent');
  expect(errorOf(() => decideNextStep(input({ grantedScopes: [], params: { ...params, prompt: ['none'] } })))).toBe(
    'consent_required',
  );
  expect(decideNextStep(input({ grantedScopes: [], client: { ...client, firstParty: true } }))).toBe('issue');
});

it('asks for consent to claims requested beyond the scopes', () => {
  const p = { ...params, scopes: ['openid'], claims: { userinfo: { email: null }, id_token: { name: { essential: true } } } };
  expect(consentScopes(p)).toEqual(['openid', 'profile', 'email']);
  expect(decideNextStep(input({ params: p, grantedScopes: ['openid', 'email'] }))).toBe('consent');
  expect(decideNextStep(input({ params: p, grantedScopes: ['openid', 'email', 'profile'] }))).toBe('issue');
});

describe('authenticationTooOld', () => {
  it('treats max_age=0 as always too old', () => {
    expect(authenticationTooOld(0, now, now)).toBe(true);
    expect(authenticationTooOld(undefined, new Date(0), now)).toBe(false);
  });
});
