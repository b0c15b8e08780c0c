import { parseArgs } from 'node:util';

import { createPrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { findOrCreateTenant } from '../repositories/tenant-repository.js';
import { setAccountAuthenticationProvider } from '../services/set-account-authentication-provider.js';
import { setTenantRoleMapping } from '../services/set-tenant-role-mapping.js';

const USAGE = `usage (RP_DATABASE_URL and RP_OIDC_ISSUER set):
  node dist/cli/tenant-admin.js account-provider --tenant <OP tenant> --sub <sub> --provider rp|op|op_migration|external [--create --email <email> --name <name>]
  node dist/cli/tenant-admin.js role-mapping --tenant <OP tenant> --mapping '{"admins":["admin"]}' | --mapping default
`;

/**
 * `pnpm --filter @oidc-ref/rp tenant-admin …`: an RP administrator's tools without a UI.
 * `account-provider` marks (or creates) an account as RP-managed (`rp`), bound to another IdP
 * (`external`) or OP-managed; `role-mapping` sets a tenant's OP group → RP role mapping.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      sub: { type: 'string' },
      provider: { type: 'string' },
      create: { type: 'boolean', default: false },
      email: { type: 'string' },
      name: { type: 'string' },
      mapping: { type: 'string' },
    },
  });
  const databaseUrl = process.env['RP_DATABASE_URL'];
  const issuer = process.env['RP_OIDC_ISSUER'];
  if (!databaseUrl || !issuer || values.tenant === undefined) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const prisma = createPrismaClient({ connectionString: databaseUrl });
  try {
    switch (positionals[0]) {
      case 'account-provider': {
        if (values.sub === undefined) throw new AppError('invalid_request', { description: '--sub is required' });
        const result = await setAccountAuthenticationProvider({
          prisma,
          issuer,
          tenant: values.tenant,
          sub: values.sub,
          authenticationProvider: values.provider,
          ...(values.create ? { create: { email: values.email ?? null, name: values.name ?? null } } : {}),
        });
        process.stdout.write(`account ${values.sub}: authentication_provider ${result.authenticationProvider}\n`);
        break;
      }
      case 'role-mapping': {
        if (values.mapping === undefined) throw new AppError('invalid_request', { description: '--mapping is required' });
        const mapping: unknown = values.mapping === 'default' ? null : JSON.parse(values.mapping);
        const tenant = await findOrCreateTenant(prisma, { issuer, externalId: values.tenant });
        await setTenantRoleMapping({ prisma, tenantId: tenant.id, mapping });
        process.stdout.write(`tenant ${values.tenant}: role mapping ${mapping === null ? 'reset to the default' : 'stored'}\n`);
        break;
      }
      default:
        process.stderr.write(USAGE);
        process.exitCode = 2;
    }
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof AppError ? error.description : error instanceof Error ? error.message : String(error);
  process.stderr.write(`tenant-admin failed: ${message}\n`);
  process.exit(1);
});
