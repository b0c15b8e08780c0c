import { PERSONAL_TENANT } from '@oidc-ref/token-schemas';

import type { PrismaClient } from '../db/client.js';
import { decodeVerifiedJwtPayload } from '../lib/jwt.js';
import { findAccountInTenant, type AccountRecord } from '../repositories/account-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { effectiveRoles, roleMappingOf } from '../lib/role-mapping.js';
import { findTenantById, findTenantCommandSettings, type TenantRecord } from '../repositories/tenant-repository.js';

export interface AccountOverview {
  account: AccountRecord;
  tenant: TenantRecord & { personal: boolean };
  /** The claims of the ID token this session signed in with (verified at sign-in). */
  idTokenClaims: Record<string, unknown>;
  /** The account's RP roles now: mapped groups the latest OP metadata still lists, plus a `roles` claim. */
  roles: string[];
}

export interface GetAccountOverviewOptions {
  prisma: PrismaClient;
  session: SessionRecord | null;
}

/**
 * The signed-in account, its tenant and this session's ID token claims; `null` when the
 * session is not signed in or its account is gone.
 */
export async function getAccountOverview({ prisma, session }: GetAccountOverviewOptions): Promise<AccountOverview | null> {
  if (!session?.accountId || !session.tenantId) return null;
  const [account, tenant, settings] = await Promise.all([
    findAccountInTenant(prisma, { tenantId: session.tenantId, accountId: session.accountId }),
    findTenantById(prisma, { tenantId: session.tenantId }),
    findTenantCommandSettings(prisma, { tenantId: session.tenantId }),
  ]);
  if (!account || !tenant) return null;
  return {
    account,
    roles: effectiveRoles({
      groups: account.groups,
      opRoles: account.opRoles,
      opMetadata: settings?.opMetadata ?? null,
      mapping: roleMappingOf(settings?.roleMapping ?? null),
    }),
    tenant: { ...tenant, personal: tenant.externalId === PERSONAL_TENANT },
    idTokenClaims: (session.idToken && decodeVerifiedJwtPayload(session.idToken)) || {},
  };
}
