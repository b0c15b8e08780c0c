import path from 'node:path';

import { applyMigrations } from '@oidc-ref/dev-postgres';

/**
 * `pnpm db:migrate`: applies prisma/migrations to RP_DATABASE_URL (no Prisma engine needed).
 * Resolved from this file: dist/cli → ../../prisma/migrations.
 */
async function main(): Promise<void> {
  const connectionString = process.env['RP_DATABASE_URL'];
  if (!connectionString || !/^postgres(ql)?:\/\//.test(connectionString)) {
    process.stderr.write('RP_DATABASE_URL must be set to a postgres:// or postgresql:// connection string\n');
    process.exit(1);
  }
  const migrationsDir = path.resolve(__dirname, '../../prisma/migrations');
  const result = await applyMigrations({ connectionString, migrationsDir });
  for (const name of result.applied) process.stdout.write(`applied ${name}\n`);
  process.stdout.write(
    `RP database is up to date (${result.applied.length} applied, ${result.alreadyApplied.length} already applied)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
