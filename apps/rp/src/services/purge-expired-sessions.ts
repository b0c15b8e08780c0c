import type { PrismaClient } from '../db/client.js';
import { deleteExpiredSessions } from '../repositories/session-repository.js';

export interface PurgeExpiredSessionsOptions {
  prisma: PrismaClient;
  now: Date;
}

/** Deletes expired sessions (signed-in and abandoned pre-login ones); returns how many. */
export async function purgeExpiredSessions({ prisma, now }: PurgeExpiredSessionsOptions): Promise<number> {
  return deleteExpiredSessions(prisma, { now });
}
