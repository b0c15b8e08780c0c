// Applies the OP's migrations to OP_DATABASE_URL (no Prisma engine needed).
import path from 'node:path';
import { applyMigrations } from '@oidc-ref/dev-postgres';

async function main() {
  const connectionString = process.env.OP_DATABASE_URL;
  if (!connectionString) throw new Error('OP_DATABASE_URL is required');
  const migrationsDir = path.join(__dirname, '../../prisma/migrations');
  const { applied } = await applyMigrations({ connectionString, migrationsDir });
  console.log(applied.length ? `op: applied ${applied.join(', ')}` : 'op: database is up to date');
}

main().catch((err: unknown) => {
  console.error('op: migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
