import type { Db } from './db.js';

/** Runs `SELECT 1`; throws when the database cannot answer. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
