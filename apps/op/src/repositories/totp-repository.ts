import type { Db } from '../db/client.js';

export interface TotpState {
  secret: string | null;
  lastStep: number | null;
}

/** A user's TOTP enrolment and replay guard. Secrets never leave this module but to be checked. */
export function totpRepository(db: Db) {
  return {
    async state(userId: string): Promise<TotpState> {
      const row = await db.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpLastStep: true } });
      return { secret: row?.totpSecret ?? null, lastStep: row?.totpLastStep == null ? null : Number(row.totpLastStep) };
    },
    /**
     * Marks a time step used, atomically: true for the one caller whose step is newer than
     * every step accepted before (a code works once, even under concurrent submissions).
     */
    async acceptStep(userId: string, step: number): Promise<boolean> {
      const { count } = await db.user.updateMany({
        where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
        data: { totpLastStep: BigInt(step) },
      });
      return count === 1;
    },
    /** Enrols a confirmed secret; the confirming code's step is used up with it. */
    async enroll(userId: string, secret: string, step: number): Promise<void> {
      await db.user.update({ where: { id: userId }, data: { totpSecret: secret, totpLastStep: BigInt(step) } });
    },
  };
}
export type TotpRepository = ReturnType<typeof totpRepository>;
