import { DEFAULT_ACR_VALUES, DEFAULT_STEP_UP_POLICY, parseStepUpPolicy } from './step-up-policy.js';

const MFA = 'urn:oidc-ref:acr:mfa';

describe('parseStepUpPolicy', () => {
  it('accepts the default, an empty policy, and a requirement without maxAge', () => {
    expect(parseStepUpPolicy(JSON.parse(JSON.stringify(DEFAULT_STEP_UP_POLICY)), DEFAULT_ACR_VALUES)).toEqual({
      ok: true,
      policy: { export_account_data: { acr: MFA, maxAge: 300 } },
    });
    expect(parseStepUpPolicy({}, DEFAULT_ACR_VALUES)).toEqual({ ok: true, policy: {} });
    expect(parseStepUpPolicy({ export_account_data: { acr: MFA } }, DEFAULT_ACR_VALUES)).toEqual({
      ok: true,
      policy: { export_account_data: { acr: MFA } },
    });
  });

  it('returns a deeply frozen policy', () => {
    const parsed = parseStepUpPolicy({ export_account_data: { acr: MFA, maxAge: 0 } }, DEFAULT_ACR_VALUES);
    if (!parsed.ok) throw new Error('expected a policy');
    expect(Object.isFrozen(parsed.policy)).toBe(true);
    expect(Object.isFrozen(parsed.policy.export_account_data)).toBe(true);
  });

  it.each([
    ['an unknown action', { export_acount_data: { acr: MFA } }],
    ['an unknown field', { export_account_data: { acr: MFA, max_age: 300 } }],
    ['a missing acr', { export_account_data: { maxAge: 300 } }],
    ['an empty acr', { export_account_data: { acr: '' } }],
    ['a negative maxAge', { export_account_data: { acr: MFA, maxAge: -1 } }],
    ['a fractional maxAge', { export_account_data: { acr: MFA, maxAge: 1.5 } }],
    ['a maxAge over a year', { export_account_data: { acr: MFA, maxAge: 31_536_001 } }],
    ['an array', []],
    ['null', null],
  ])('refuses %s', (_name, input) => {
    const parsed = parseStepUpPolicy(input, DEFAULT_ACR_VALUES);
    expect(parsed.ok).toBe(false);
  });

  it('refuses an acr the ranking does not know, only when given the ranking', () => {
    const policy = { export_account_data: { acr: 'urn:other:acr' } };
    expect(parseStepUpPolicy(policy, DEFAULT_ACR_VALUES)).toEqual({
      ok: false,
      problems: [
        'export_account_data.acr: urn:other:acr is not one of the ranked acr values (urn:oidc-ref:acr:pwd urn:oidc-ref:acr:mfa)',
      ],
    });
    expect(parseStepUpPolicy(policy).ok).toBe(true);
  });
});
