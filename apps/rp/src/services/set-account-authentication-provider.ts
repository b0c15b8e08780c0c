import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { isAuthenticationProvider } from '../lib/migrate-policy.js';
import { setAccountAuthenticationProvider as storeProvider } from '../repositories/command-account-repository.js';
import { findOrCreateTenant } from '../repositories/tenant-repository.js';

export interface SetAccountAuthenticationProviderOptions {
  prisma: PrismaClient;
  issuer: string;
  /** The OP tenant (`tenant` claim) the account belongs to. */
  tenant: string;
  sub: string;
  /** `rp`, `op`, `op_migration` or `external`. */
  authenticationProvider: unknown;
  /** Create the account (active) if it does not exist, e.g. an RP-managed account imported from elsewhere. */
  create?: { email: string | null; name: string | null };
  now?: Date;
}

/**
 * An RP administrator's way to say who authenticates an account: `rp` (the RP's own login),
 * `external` (another IdP; `migrate` then answers 409 `authentication_not_transferable`), or
 * back to `op`. With `create`, an RP-managed account is created first (the way accounts that
 * predate the OP enter the register). Runs in one transaction.
 *
 * @example
 * await setAccountAuthenticationProvider({ prisma, issuer, tenant: 'acme', sub: 'u1', authenticationProvider: 'rp', create: { email: 'u1@acme.example', name: null } });
 */
export async function setAccountAuthenticationProvider(options: SetAccountAuthenticationProviderOptions): Promise<{ accountId: string; authenticationProvider: string }> {
  const { prisma, issuer, tenant, sub, authenticationProvider, create } = options;
  if (!isAuthenticationProvider(authenticationProvider)) {
    throw new AppError('invalid_request', { description: 'authentication_provider must be one of rp, op, op_migration, external' });
  }
  const record = await prisma.$transaction(async (tx) => {
    const found = await findOrCreateTenant(tx, { issuer, externalId: tenant });
    return storeProvider(tx, {
      tenantId: found.id,
      issuer,
      sub,
      authenticationProvider,
      ...(create === undefined ? {} : { create: { ...create, now: options.now ?? new Date() } }),
    });
  });
  if (record === null) throw new AppError('invalid_request', { description: `no account ${sub} in tenant ${tenant}` });
  return { accountId: record.id, authenticationProvider: record.authenticationProvider };
}
