import path from 'node:path';
import { defineConfig } from 'prisma/config';

// `prisma generate` never runs the schema engine, but the CLI insists on locating one and would
// try to download it. Point it at a stub; migrations are applied by `pnpm db:migrate`.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(
  __dirname,
  'node_modules/@oidc-ref/prisma-tooling/schema-engine-unavailable',
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.RP_DATABASE_URL ?? 'postgresql://localhost/rp' },
});
