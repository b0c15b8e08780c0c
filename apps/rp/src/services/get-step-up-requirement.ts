import type { StepUpRequirement } from '@oidc-ref/rp-kit';

import type { RpConfig } from '../config.js';
import { AppError } from '../errors.js';
import { parseStepUpPolicy, type SensitiveAction } from '../lib/step-up-policy.js';

export interface GetStepUpRequirementOptions {
  /** The tenant's stored policy (`null`: none of its own). */
  tenant: { id: string; stepUpPolicy: unknown };
  action: SensitiveAction;
  config: Pick<RpConfig, 'stepUpPolicy' | 'acrValues'>;
}

/**
 * What `action` needs in this tenant: the tenant's own policy when it has one (it replaces the
 * RP default as a whole), else `RP_STEP_UP_POLICY`. `undefined` when the policy leaves the action
 * out (a signed-in session is enough). A stored policy that does not validate fails closed with
 * a `server_error` (logged with its problems), never as "no requirement". Pure.
 *
 * @example
 * getStepUpRequirement({ tenant, action: 'export_account_data', config }); // { acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 }
 */
export function getStepUpRequirement({ tenant, action, config }: GetStepUpRequirementOptions): StepUpRequirement | undefined {
  if (tenant.stepUpPolicy === null || tenant.stepUpPolicy === undefined) return config.stepUpPolicy[action];
  const parsed = parseStepUpPolicy(tenant.stepUpPolicy, config.acrValues);
  if (!parsed.ok) {
    throw new AppError('server_error', {
      detail: `tenant ${tenant.id} has an invalid step-up policy: ${parsed.problems.join('; ')}`,
    });
  }
  return parsed.policy[action];
}
