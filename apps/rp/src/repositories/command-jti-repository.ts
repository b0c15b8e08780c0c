import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/**
 * Records a command token's `(issuer, jti)` until `expiresAt`; `false` when it was already
 * there (a replay). The primary key makes this atomic across processes. Expired rows are
 * swept on the way.
 */
export async function rememberCommandJti(db: Db, options: { issuer: string; jti: string; expiresAt: Date; now: Date }): Promise<boolean> {
  const { issuer, jti, expiresAt, now } = options;
  await db.commandJti.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 5 * 60_000) } } });
  try {
    await db.commandJti.create({ data: { issuer, jti, expiresAt }, select: { jti: true } });
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}
