import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient } from '../generated/prisma/client.js';

export interface CreatePrismaClientOptions {
  connectionString: string;
  /** Fail a connection attempt after this long, so readiness checks answer. Default 5000 ms. */
  connectionTimeoutMillis?: number;
}

/**
 * The one way to build a Prisma client: the pg driver adapter, no native query engine.
 * The server builds one per process; tests build their own.
 */
export function createPrismaClient({ connectionString, connectionTimeoutMillis = 5000 }: CreatePrismaClientOptions): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, connectionTimeoutMillis }) });
}
