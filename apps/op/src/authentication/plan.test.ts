import type { AcrLevel } from '../repositories/acr-level-repository.js';
import { bestLevel, planAuthentication, type PlanInput } from './plan.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const levels: AcrLevel[] = [
  { acr: PWD, rank: 1, chain: ['pwd'], display: 'Password' },
  { acr: MFA, rank: 2, chain: ['pwd', 'otp'], display: 'Password and code' },
];
const now = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const both = new Set(['pwd', 'otp']);
const pwdOnly = new Set(['pwd']);
const base: PlanInput = { levels, factors: [], forceLogin: false, now, enrolled: both, allowEnrolment: true };
const plan = (over: Partial<PlanInput>) => planAuthentication({ ...base, ...over });

describe('without a requested acr', () => {
  it('asks for the password when nothing is done', () => {
    expect(plan({ enrolled: undefined })).toEqual({ kind: 'authenticate', acr: PWD, method: 'pwd' });
  });

  it('asserts the strongest level the session meets', () => {
    expect(plan({ factors: [{ method: 'pwd', completedAt: ago(60) }] })).toEqual({
      kind: 'satisfied',
      result: { acr: PWD, amr: ['pwd'], authTime: ago(60) },
    });
    expect(plan({ factors: [{ method: 'pwd', completedAt: ago(60) }, { method: 'otp', completedAt: ago(10) }] })).toEqual({
      kind: 'satisfied',
      result: { acr: MFA, amr: ['pwd', 'otp', 'mfa'], authTime: ago(10) },
    });
  });
});

describe('step-up: only the missing factors', () => {
  it('asks alice, fresh from her password, only for the code', () => {
    const result = plan({ requested: { values: [MFA], essential: false }, factors: [{ method: 'pwd', completedAt: ago(60) }] });
    expect(result).toEqual({ kind: 'authenticate', acr: MFA, method: 'otp' });
  });

  it('re-asks a stale factor under max_age, keeping a fresh one', () => {
    const factors = [
      { method: 'pwd', completedAt: ago(30) },
      { method: 'otp', completedAt: ago(900) },
    ];
    expect(plan({ requested: { values: [MFA], essential: false }, factors, maxAge: 300 })).toEqual({ kind: 'authenticate', acr: MFA, method: 'otp' });
  });

  it('redoes every factor under prompt=login, except those done during this request', () => {
    const factors = [
      { method: 'pwd', completedAt: ago(30), interactionId: 'i1' },
      { method: 'otp', completedAt: ago(20), interactionId: 'i2' },
    ];
    const request = { requested: { values: [MFA], essential: true }, factors, forceLogin: true };
    expect(plan(request)).toMatchObject({ method: 'pwd' });
    expect(plan({ ...request, interactionId: 'i2' })).toMatchObject({ method: 'pwd' });
    expect(plan({ ...request, factors: [{ ...factors[0]!, interactionId: 'i2' }, factors[1]!], interactionId: 'i2' })).toMatchObject({ kind: 'satisfied' });
  });

  it('gives auth_time as the completion of the last factor of the chain', () => {
    const factors = [
      { method: 'pwd', completedAt: ago(100) },
      { method: 'otp', completedAt: ago(5) },
    ];
    const result = plan({ requested: { values: [MFA], essential: false }, factors });
    expect(result).toEqual({ kind: 'satisfied', result: { acr: MFA, amr: ['pwd', 'otp', 'mfa'], authTime: ago(5) } });
  });
});

describe('a user without the second factor (bob)', () => {
  it('is offered enrolment for a requested mfa, essential or voluntary', () => {
    expect(plan({ enrolled: pwdOnly, requested: { values: [MFA], essential: true } })).toEqual({ kind: 'enroll', acr: MFA, method: 'otp' });
    expect(plan({ enrolled: pwdOnly, requested: { values: [MFA], essential: false } })).toEqual({ kind: 'enroll', acr: MFA, method: 'otp' });
  });

  it('without enrolment (prompt=none, or declined): unmet when essential, his own level when voluntary', () => {
    const factors = [{ method: 'pwd', completedAt: ago(1) }];
    expect(plan({ enrolled: pwdOnly, factors, allowEnrolment: false, requested: { values: [MFA], essential: true } })).toMatchObject({ kind: 'unmet' });
    expect(plan({ enrolled: pwdOnly, factors, allowEnrolment: false, requested: { values: [MFA], essential: false } })).toMatchObject({
      kind: 'satisfied',
      result: { acr: PWD },
    });
  });

  it('gets the first requested level he can reach', () => {
    expect(plan({ enrolled: pwdOnly, requested: { values: [MFA, PWD], essential: true }, factors: [{ method: 'pwd', completedAt: ago(1) }] })).toMatchObject({
      kind: 'satisfied',
      result: { acr: PWD },
    });
  });
});

describe('acr values the OP does not offer', () => {
  it('fails an essential request', () => {
    expect(plan({ requested: { values: ['urn:other'], essential: true } })).toMatchObject({ kind: 'unmet' });
  });

  it('ignores a voluntary one', () => {
    expect(plan({ requested: { values: ['urn:other'], essential: false }, factors: [{ method: 'pwd', completedAt: ago(1) }] })).toMatchObject({
      kind: 'satisfied',
      result: { acr: PWD },
    });
  });
});

it('names the best level a set of factors meets', () => {
  expect(bestLevel(levels, [{ method: 'pwd', completedAt: now }])?.acr).toBe(PWD);
  expect(bestLevel(levels, [{ method: 'otp', completedAt: now }, { method: 'pwd', completedAt: now }])?.acr).toBe(MFA);
  expect(bestLevel(levels, [])).toBeUndefined();
});
