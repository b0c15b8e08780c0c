import { acrRanking } from '@oidc-ref/rp-kit';
import type { IdTokenClaims } from '@oidc-ref/token-schemas';

import type { StepUpState } from './login-state.js';
import { requiredAcr } from './start-step-up.js';
import { verifyStepUp } from './verify-step-up.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const HWK = 'urn:oidc-ref:acr:hwk';
const ranking = acrRanking([PWD, MFA, HWK]);
const now = new Date('2026-11-22T12:00:00Z');
const t = (secondsAgo: number) => Math.floor(now.getTime() / 1000) - secondsAgo;

const stepUp: StepUpState = { action: 'export_account_data', acr: MFA, maxAge: 300, sub: 'alice', iss: 'https://op.example' };

function claims(overrides: Partial<IdTokenClaims>): IdTokenClaims {
  return {
    iss: 'https://op.example',
    sub: 'alice',
    aud: 'rp',
    exp: t(-300),
    iat: t(0),
    auth_time: t(5),
    acr: MFA,
    tenant: 'acme',
    tenant_name: 'Acme',
    ...overrides,
  };
}

describe('verifyStepUp', () => {
  it('accepts the same user at the required acr or a stronger one, recently', () => {
    expect(verifyStepUp({ claims: claims({}), stepUp, ranking, now })).toEqual({ ok: true });
    expect(verifyStepUp({ claims: claims({ acr: HWK }), stepUp, ranking, now })).toEqual({ ok: true });
    expect(verifyStepUp({ claims: claims({ auth_time: t(360) }), stepUp, ranking, now })).toEqual({ ok: true });
    const { maxAge: _maxAge, ...withoutMaxAge } = stepUp;
    expect(verifyStepUp({ claims: claims({ auth_time: undefined }), stepUp: withoutMaxAge, ranking, now })).toEqual({ ok: true });
  });

  it.each([
    ['another subject', { sub: 'mallory' }, 'step_up_wrong_user', 'sub_mismatch'],
    ['another issuer', { iss: 'https://other.example' }, 'step_up_wrong_user', 'iss_mismatch'],
    ['a weaker acr', { acr: PWD }, 'step_up_failed', 'acr_too_weak'],
    ['an unknown acr', { acr: 'urn:other' }, 'step_up_failed', 'acr_too_weak'],
    ['no acr', { acr: undefined }, 'step_up_failed', 'acr_too_weak'],
    ['no auth_time', { auth_time: undefined }, 'step_up_failed', 'auth_time_missing'],
    ['an auth_time past max_age + 60 s', { auth_time: t(361) }, 'step_up_failed', 'auth_too_old'],
  ] as const)('refuses %s', (_name, overrides, code, reason) => {
    expect(verifyStepUp({ claims: claims(overrides), stepUp, ranking, now })).toEqual({ ok: false, code, reason });
  });
});

describe('requiredAcr', () => {
  it('is the weakest ranked value of the challenge', () => {
    expect(requiredAcr([MFA, HWK], ranking)).toBe(MFA);
    expect(requiredAcr([HWK, MFA], ranking)).toBe(MFA);
    expect(requiredAcr(['urn:other', HWK], ranking)).toBe(HWK);
  });

  it('is undefined when the challenge names no ranked value', () => {
    expect(requiredAcr(undefined, ranking)).toBeUndefined();
    expect(requiredAcr([], ranking)).toBeUndefined();
    expect(requiredAcr(['urn:other'], ranking)).toBeUndefined();
  });
});
