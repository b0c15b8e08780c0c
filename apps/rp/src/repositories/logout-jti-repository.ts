import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/**
 * Records a logout token's `(issuer, jti)` until `expiresAt`; `false` when it was already there
 * (a replay). The primary key makes this atomic across processes. Rows expired more than five
 * minutes ago are swept on the way.
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

/** Drops a recorded `jti` again: ending the sessions failed, so the OP's retry must be accepted. */
export async function forgetLogoutJti(db: Db, { issuer, jti }: { issuer: string; jti: string }): Promise<void> {
  await db.logoutJti.deleteMany({ where: { issuer, jti } });
}
