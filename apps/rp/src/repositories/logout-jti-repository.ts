import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/**
 * Records a logout token's `(issuer, jti)` until `expiresAt`; `false` when it was already there
 * (a replay). The primary key makes this atomic across processes; run it in the transaction
 * that ends the sessions, so a failure there forgets the jti too (a duplicate key aborts the
 * transaction, which the caller then rolls back). Rows expired more than five minutes ago are
 * swept on the way.
 */
export async function rememberLogoutJti(db: Db, options: { issuer: string; jti: string; expiresAt: Date; now: Date }): Promise<boolean> {
  const { issuer, jti, expiresAt, now } = options;
  await db.logoutJti.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 5 * 60_000) } } });
  try {
    await db.logoutJti.create({ data: { issuer, jti, expiresAt }, select: { jti: true } });
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}
