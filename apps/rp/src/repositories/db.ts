import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** A Prisma client or the `tx` of `prisma.$transaction(async (tx) => …)`. */
export type Db = PrismaClient | Prisma.TransactionClient;
