import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import { DEFAULT_ACR_LEVELS } from '../authentication/levels.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { authenticationTooOld, decideNextStep, requestedAcr, type DecideInput } from './decide.js';
import type { AuthorizationParams } from './params.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const now = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
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
const client = { id: 'c1', firstParty: false, metadata: ClientMetadataSchema.parse({}) } as ClientRecord;
const session: SessionRecord = {
  id: 's1',
  userId: 'u1',
  authTime: ago(600),
  acr: PWD,
  amr: ['pwd'],
  expiresAt: new Date(now.getTime() + 3_600_000),
  factors: [{ method: 'pwd', completedAt: ago(600) }],
};
const input = (over: Partial<DecideInput> = {}): DecideInput => ({
  params,
  client,
  session,
  levels: DEFAULT_ACR_LEVELS,
  enrolled: new Set(['pwd', 'otp']),
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

it('asks for the password without a session, or an error under prompt=none', () => {
  expect(decideNextStep(input({ session: null }))).toEqual({ kind: 'authenticate', acr: PWD, method: 'pwd' });
  expect(errorOf(() => decideNextStep(input({ session: null, params: { ...params, prompt: ['none'] } })))).toBe('login_required');
});

it('asks for the password again under prompt=login, unless given during this request', () => {
  const p = { ...params, prompt: ['login'] };
  expect(decideNextStep(input({ params: p }))).toMatchObject({ kind: 'authenticate', method: 'pwd' });
  const relogged = { ...session, factors: [{ method: 'pwd', completedAt: ago(1), interactionId: 'i1' }] };
  expect(decideNextStep(input({ params: p, session: relogged, interactionId: 'i1' }))).toMatchObject({ kind: 'issue' });
  expect(decideNextStep(input({ params: p, session: relogged, interactionId: 'i2' }))).toMatchObject({ kind: 'authenticate' });
});

it('honours max_age against the factors', () => {
  expect(decideNextStep(input({ params: { ...params, max_age: 601 } }))).toMatchObject({ kind: 'issue', auth: { acr: PWD, authTime: ago(600) } });
  expect(decideNextStep(input({ params: { ...params, max_age: 599 } }))).toMatchObject({ kind: 'authenticate', method: 'pwd' });
  const relogged = { ...session, factors: [{ method: 'pwd', completedAt: ago(1), interactionId: 'i1' }] };
  expect(decideNextStep(input({ params: { ...params, max_age: 0 }, session: relogged, interactionId: 'i1' }))).toMatchObject({ kind: 'issue' });
});

it('asks only for the code when a step-up to mfa follows a fresh password', () => {
  const p = { ...params, acr_values: MFA };
  expect(decideNextStep(input({ params: p }))).toEqual({ kind: 'authenticate', acr: MFA, method: 'otp' });
  expect(errorOf(() => decideNextStep(input({ params: { ...p, prompt: ['none'] } })))).toBe('login_required');
  const stepped = { ...session, factors: [...session.factors, { method: 'otp', completedAt: ago(5) }] };
  expect(decideNextStep(input({ params: p, session: stepped }))).toEqual({
    kind: 'issue',
    auth: { acr: MFA, amr: ['pwd', 'otp', 'mfa'], authTime: ago(5) },
  });
});

it('offers enrolment to a user without a code; without it, essential is unmet and voluntary gets his level', () => {
  const voluntary = { ...params, acr_values: MFA };
  const essential = { ...params, claims: { id_token: { acr: { essential: true, value: MFA } } } };
  const pwdOnly = new Set(['pwd']);
  expect(decideNextStep(input({ params: voluntary, enrolled: pwdOnly }))).toEqual({ kind: 'enroll', acr: MFA, method: 'otp' });
  expect(decideNextStep(input({ params: essential, enrolled: pwdOnly }))).toEqual({ kind: 'enroll', acr: MFA, method: 'otp' });
  expect(errorOf(() => decideNextStep(input({ params: { ...essential, prompt: ['none'] }, enrolled: pwdOnly })))).toBe(
    'unmet_authentication_requirements',
  );
  expect(errorOf(() => decideNextStep(input({ params: essential, enrolled: pwdOnly, enrolmentDeclined: true })))).toBe(
    'unmet_authentication_requirements',
  );
  expect(decideNextStep(input({ params: voluntary, enrolled: pwdOnly, enrolmentDeclined: true }))).toMatchObject({ kind: 'issue', auth: { acr: PWD } });
  expect(decideNextStep(input({ params: { ...voluntary, prompt: ['none'] }, enrolled: pwdOnly }))).toMatchObject({ kind: 'issue', auth: { acr: PWD } });
});

it('fails an essential acr the OP does not offer, whatever the prompt', () => {
  const p = { ...params, claims: { id_token: { acr: { essential: true, values: ['urn:other'] } } } };
  expect(errorOf(() => decideNextStep(input({ params: p })))).toBe('unmet_authentication_requirements');
});

it('treats the session of another user than the hinted one as no session', () => {
  expect(decideNextStep(input({ params: { ...params, hinted_sub: 'u2' } }))).toMatchObject({ kind: 'authenticate', method: 'pwd' });
  expect(decideNextStep(input({ params: { ...params, hinted_sub: 'u1' } }))).toMatchObject({ kind: 'issue' });
  expect(errorOf(() => decideNextStep(input({ params: { ...params, hinted_sub: 'u2', prompt: ['none'] } })))).toBe('login_required');
});

it('asks for consent when scopes are missing or prompt=consent, except for first-party clients', () => {
  expect(decideNextStep(input({ grantedScopes: ['openid'] }))).toMatchObject({ kind: 'consent' });
  expect(decideNextStep(input({ params: { ...params, prompt: ['consent'] } }))).toMatchObject({ kind: 'consent' });
  expect(errorOf(() => decideNextStep(input({ grantedScopes: [], params: { ...params, prompt: ['none'] } })))).toBe('consent_required');
  expect(decideNextStep(input({ grantedScopes: [], client: { ...client, firstParty: true } }))).toMatchObject({ kind: 'issue' });
});

describe('requestedAcr', () => {
  it('lets an essential claims acr govern over acr_values, then acr_values, then the client default', () => {
    const claims = { id_token: { acr: { essential: true, value: MFA } } };
    expect(requestedAcr({ ...params, claims, acr_values: PWD }, client)).toEqual({ values: [MFA], essential: true });
    expect(requestedAcr({ ...params, acr_values: `${MFA} ${PWD}` }, client)).toEqual({ values: [MFA, PWD], essential: false });
    const withDefault = { ...client, metadata: ClientMetadataSchema.parse({ default_acr_values: [MFA] }) };
    expect(requestedAcr(params, withDefault)).toEqual({ values: [MFA], essential: false });
    expect(requestedAcr(params, client)).toBeUndefined();
  });
});

describe('authenticationTooOld', () => {
  it('treats max_age=0 as always too old', () => {
    expect(authenticationTooOld(0, now, now)).toBe(true);
    expect(authenticationTooOld(undefined, new Date(0), now)).toBe(false);
  });
});
