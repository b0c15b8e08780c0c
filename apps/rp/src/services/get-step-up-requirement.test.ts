import { DEFAULT_ACR_VALUES, DEFAULT_STEP_UP_POLICY } from '../lib/step-up-policy.js';
import { getStepUpRequirement } from './get-step-up-requirement.js';

const PWD = 'urn:oidc-ref:acr:pwd';
const MFA = 'urn:oidc-ref:acr:mfa';
const config = { stepUpPolicy: DEFAULT_STEP_UP_POLICY, acrValues: DEFAULT_ACR_VALUES };
const action = 'export_account_data' as const;

describe('getStepUpRequirement', () => {
  it('uses the RP default for a tenant without a policy of its own', () => {
    expect(getStepUpRequirement({ tenant: { id: 't', stepUpPolicy: null }, action, config })).toEqual({ acr: MFA, maxAge: 300 });
  });

  it("uses the tenant's policy as a whole when it has one", () => {
    expect(
      getStepUpRequirement({ tenant: { id: 't', stepUpPolicy: { export_account_data: { acr: PWD } } }, action, config }),
    ).toEqual({ acr: PWD });
    expect(getStepUpRequirement({ tenant: { id: 't', stepUpPolicy: {} }, action, config })).toBeUndefined();
  });

  it('fails closed on a stored policy that does not validate', () => {
    for (const stepUpPolicy of [{ export_account_data: { acr: 'urn:other' } }, { export_account_data: 'mfa' }, 'x', []]) {
      expect(() => getStepUpRequirement({ tenant: { id: 't', stepUpPolicy }, action, config })).toThrow(
        expect.objectContaining({ code: 'server_error' }),
      );
    }
  });
});
