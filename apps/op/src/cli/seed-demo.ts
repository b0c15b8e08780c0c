// Seeds the demo world into OP_DATABASE_URL. Idempotent.
import { createDb } from '../db/client.js';
import { createRepositories } from '../repositories/index.js';
import { seedDemoWorld } from '../seed/demo-world.js';

async function main() {
  const url = process.env.OP_DATABASE_URL;
  if (!url) throw new Error('OP_DATABASE_URL is required');
  const db = createDb(url);
  try {
    await seedDemoWorld(createRepositories(db), {
      rpBaseUrl: process.env.DEMO_RP_BASE_URL ?? 'http://localhost:3000',
      rpClientSecret: process.env.DEMO_RP_CLIENT_SECRET ?? 'demo-rp-secret',
    });
    console.log('op: demo world seeded');
  } finally {
    await db.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error('op: seeding failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
