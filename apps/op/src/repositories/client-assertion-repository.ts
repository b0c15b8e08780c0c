import type { Db } from '../db/client.js';
import { sqlText, sqlTimestamp } from './token-rows.js';

/** `jti` values of client assertions already used (OIDC Core §9), kept until they expire. */
export function clientAssertionRepository(db: Db) {
  return {
    /**
     * Records a `jti` as used, in one INSERT … ON CONFLICT DO NOTHING. Returns false when the
     * client already used it: the assertion is a replay.
     */
    async recordJti(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
      const count = await db.$executeRaw`INSERT INTO "client_assertion_jtis" ("client_id", "jti", "expires_at")
        VALUES (${sqlText(clientId)}, ${sqlText(jti)}, ${sqlTimestamp(expiresAt)}) ON CONFLICT DO NOTHING`;
      return count === 1;
    },
    /** Forgets the `jti`s of expired assertions (an expired assertion is refused anyway). */
    async purgeExpired(now: Date): Promise<number> {
      const { count } = await db.clientAssertionJti.deleteMany({ where: { expiresAt: { lt: now } } });
      return count;
    },
  };
}
export type ClientAssertionRepository = ReturnType<typeof clientAssertionRepository>;
