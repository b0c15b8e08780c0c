import { z } from 'zod';

import type { StepUpRequirement } from '@oidc-ref/rp-kit';

/**
 * The sensitive actions of this RP. A step-up policy may name only these, so a misspelt action
 * is a validation error rather than an action left unprotected.
 */
export const SENSITIVE_ACTIONS = ['export_account_data'] as const;
export type SensitiveAction = (typeof SENSITIVE_ACTIONS)[number];

/** The acr values the RP ranks by default, weakest first (`RP_ACR_VALUES`). */
export const DEFAULT_ACR_VALUES: readonly string[] = ['urn:oidc-ref:acr:pwd', 'urn:oidc-ref:acr:mfa'];

/** One year: a larger `maxAge` is a mistake rather than a policy. */
const MAX_AGE_LIMIT = 31_536_000;

/** What one sensitive action needs: an acr at least this strong, and optionally a recent sign-in (seconds). */
export const StepUpRequirementSchema = z.strictObject({
  acr: z.string().min(1),
  maxAge: z.number().int().min(0).max(MAX_AGE_LIMIT).optional(),
});

/**
 * A step-up policy: sensitive action → requirement. An action the policy leaves out needs no
 * more than a signed-in session. Unknown actions and unknown fields are refused.
 *
 * @example
 * StepUpPolicySchema.parse({ export_account_data: { acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 } });
 */
export const StepUpPolicySchema = z.partialRecord(z.enum(SENSITIVE_ACTIONS), StepUpRequirementSchema);

export type StepUpPolicy = Readonly<Partial<Record<SensitiveAction, Readonly<StepUpRequirement>>>>;

/** The RP-wide default (`RP_STEP_UP_POLICY`): exporting account data needs MFA within the last 5 minutes. */
export const DEFAULT_STEP_UP_POLICY: StepUpPolicy = Object.freeze({
  export_account_data: Object.freeze({ acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 }),
});

export type ParsedStepUpPolicy = { ok: true; policy: StepUpPolicy } | { ok: false; problems: string[] };

/**
 * Validates a policy (already JSON-decoded) against the schema and, when `acrValues` is given,
 * against the RP's acr ranking: every required acr must be one the RP ranks, or the requirement
 * could never be met. The result is deeply frozen.
 *
 * @example
 * parseStepUpPolicy({ export_account_data: { acr: 'urn:oidc-ref:acr:pwd' } }, DEFAULT_ACR_VALUES);
 */
export function parseStepUpPolicy(input: unknown, acrValues?: readonly string[]): ParsedStepUpPolicy {
  const parsed = StepUpPolicySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    };
  }
  const problems: string[] = [];
  const policy: Partial<Record<SensitiveAction, Readonly<StepUpRequirement>>> = {};
  for (const action of SENSITIVE_ACTIONS) {
    const requirement = parsed.data[action];
    if (!requirement) continue;
    if (acrValues && !acrValues.includes(requirement.acr)) {
      problems.push(`${action}.acr: ${requirement.acr} is not one of the ranked acr values (${acrValues.join(' ')})`);
    }
    policy[action] = Object.freeze(
      requirement.maxAge === undefined ? { acr: requirement.acr } : { acr: requirement.acr, maxAge: requirement.maxAge },
    );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy: Object.freeze(policy) };
}
