import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { RoleMappingSchema } from '../lib/role-mapping.js';
import { setTenantRoleMapping as storeMapping } from '../repositories/tenant-repository.js';

export interface SetTenantRoleMappingOptions {
  prisma: PrismaClient;
  tenantId: string;
  /** OP group id → RP role ids (validated here), or `null` for the RP default mapping. */
  mapping: unknown;
}

/**
 * Stores a tenant's OP group → RP role mapping, replacing the previous one as a whole. Unknown
 * RP roles, or more than 200 groups, are refused with `invalid_request`; groups the OP has not
 * published are accepted (the OP may publish them later) but give no role until it does.
 *
 * @example
 * await setTenantRoleMapping({ prisma, tenantId, mapping: { admins: ['admin'], engineering: ['editor', 'viewer'] } });
 */
export async function setTenantRoleMapping({ prisma, tenantId, mapping }: SetTenantRoleMappingOptions): Promise<void> {
  if (mapping === null) {
    await storeMapping(prisma, { tenantId, mapping: null });
    return;
  }
  const parsed = RoleMappingSchema.safeParse(mapping);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AppError('invalid_request', { description: `Invalid role mapping: ${problems.join('; ')}`, detail: `role mapping for tenant ${tenantId} refused` });
  }
  // Groups mapped to no role are dropped: the stored mapping lists only what grants something.
  const cleaned = Object.fromEntries(Object.entries(parsed.data).filter(([, roles]) => roles.length > 0).map(([group, roles]) => [group, [...new Set(roles)]]));
  await storeMapping(prisma, { tenantId, mapping: cleaned });
}
