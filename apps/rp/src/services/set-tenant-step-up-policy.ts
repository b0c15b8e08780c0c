import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { parseStepUpPolicy } from '../lib/step-up-policy.js';
import { setTenantStepUpPolicy as storePolicy } from '../repositories/tenant-repository.js';

export interface SetTenantStepUpPolicyOptions {
  prisma: PrismaClient;
  config: Pick<RpConfig, 'acrValues'>;
  tenantId: string;
  /** The tenant's own policy (JSON-decoded, validated here), or `null` for the RP default. */
  policy: unknown;
}

/**
 * Gives a tenant its own step-up policy, which replaces `RP_STEP_UP_POLICY` for it as a whole
 * (`{}` means no action needs more than a signed-in session), or clears it with `null`. The
 * policy is validated first: unknown actions or fields, a negative `maxAge`, or an acr the RP
 * does not rank are refused with `invalid_request`.
 *
 * @example
 * await setTenantStepUpPolicy({ prisma, config, tenantId, policy: { export_account_data: { acr: 'urn:oidc-ref:acr:mfa', maxAge: 60 } } });
 */
export async function setTenantStepUpPolicy({ prisma, config, tenantId, policy }: SetTenantStepUpPolicyOptions): Promise<void> {
  if (policy === null) {
    await storePolicy(prisma, { tenantId, policy: null });
    return;
  }
  const parsed = parseStepUpPolicy(policy, config.acrValues);
  if (!parsed.ok) {
    throw new AppError('invalid_request', {
      description: `Invalid step-up policy: ${parsed.problems.join('; ')}`,
      detail: `step-up policy for tenant ${tenantId} refused`,
    });
  }
  await storePolicy(prisma, { tenantId, policy: parsed.policy });
}
