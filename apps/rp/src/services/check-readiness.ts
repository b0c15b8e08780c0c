import type { PrismaClient } from '../db/client.js';
import { pingDatabase } from '../repositories/health-repository.js';

export interface CheckReadinessOptions {
  prisma: PrismaClient;
  /** Give up after this long. Default 2000 ms. */
  timeoutMs?: number;
}

/** Whether the database answers `SELECT 1` within the timeout. */
export async function checkReadiness({ prisma, timeoutMs = 2000 }: CheckReadinessOptions): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([pingDatabase(prisma).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
