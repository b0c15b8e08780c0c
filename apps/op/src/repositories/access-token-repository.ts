import type { Db } from '../db/client.js';

export interface AccessTokenRecord {
  /** SHA-256 of the token value. */
  id: string;
  grantId: string | null;
  clientId: string;
  userId: string | null;
  sessionId: string | null;
  scope: string;
  authTime: Date | null;
  acr: string | null;
  amr: string[];
  /** `claims.userinfo` of the authorization request. */
  claims: unknown;
  expiresAt: Date;
  revokedAt: Date | null;
}

export function accessTokenRepository(db: Db) {
  return {
    async findLive(id: string, now: Date): Promise<AccessTokenRecord | null> {
      const row = await db.accessToken.findUnique({ where: { id } });
      return row && row.revokedAt === null && row.expiresAt > now ? { ...row, claims: row.claims ?? null } : null;
    },
  };
}
export type AccessTokenRepository = ReturnType<typeof accessTokenRepository>;
