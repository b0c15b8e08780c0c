import type { PrismaClient } from '../db/client.js';
import { findAccountClaimsInTenant } from '../repositories/account-repository.js';
import type { AccountOverview } from './get-account-overview.js';

/** The "export my data" document: what the RP keeps about the account. Never a token. */
export interface AccountExport {
  exportedAt: string;
  account: {
    sub: string;
    email: string | null;
    name: string | null;
    state: string;
    createdAt: string;
    lastLoginAt: string;
  };
  tenant: { name: string; externalId: string; issuer: string; personal: boolean };
  /** The claims of the latest sign-in, as stored: `{ id_token, userinfo }` (claims, not tokens). */
  claims: unknown;
}

export interface ExportAccountDataOptions {
  prisma: PrismaClient;
  overview: AccountOverview;
  now: Date;
}

/**
 * Builds the account export. Call it only after the step-up check passed: it is the sensitive
 * action itself.
 */
export async function exportAccountData({ prisma, overview, now }: ExportAccountDataOptions): Promise<AccountExport> {
  const { account, tenant } = overview;
  const claims = await findAccountClaimsInTenant(prisma, { tenantId: tenant.id, accountId: account.id });
  return {
    exportedAt: now.toISOString(),
    account: {
      sub: account.sub,
      email: account.email,
      name: account.name,
      state: account.state,
      createdAt: account.createdAt.toISOString(),
      lastLoginAt: account.lastLoginAt.toISOString(),
    },
    tenant: { name: tenant.name, externalId: tenant.externalId, issuer: tenant.issuer, personal: tenant.personal },
    claims,
  };
}
