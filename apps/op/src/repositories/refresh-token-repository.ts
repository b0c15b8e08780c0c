import type { Db } from '../db/client.js';
import { sqlJson, sqlRow, sqlText, sqlTextArray, sqlTimestamp, type SqlRow } from './token-rows.js';

export interface RefreshTokenRecord {
  /** SHA-256 of the token value. */
  id: string;
  /** The grant id: every token issued from one authorization shares it. */
  familyId: string;
  clientId: string;
  userId: string;
  /** The OP session the token ends with; null when it outlives sessions (offline_access, password grant). */
  sessionId: string | null;
  /** The scope of the original grant; rotation keeps it. */
  scope: string;
  authTime: Date;
  acr: string;
  amr: string[];
  nonce: string | null;
  /** The `claims` request parameter of the original authorization (`{ id_token?, userinfo? }`). */
  claims: unknown;
  /** Absolute end of the family: rotation does not extend it. */
  expiresAt: Date;
  consumedAt: Date | null;
  revokedAt: Date | null;
}

export type NewRefreshToken = Omit<RefreshTokenRecord, 'consumedAt' | 'revokedAt' | 'claims'> & { claims?: object | null };

/** The `refresh_tokens` row of a new token, for hand-written INSERTs. */
export function refreshTokenRow(token: NewRefreshToken, createdAt = new Date()): SqlRow {
  return sqlRow([
    ['id', sqlText(token.id)],
    ['family_id', sqlText(token.familyId)],
    ['client_id', sqlText(token.clientId)],
    ['user_id', sqlText(token.userId)],
    ['session_id', sqlText(token.sessionId)],
    ['scope', sqlText(token.scope)],
    ['auth_time', sqlTimestamp(token.authTime)],
    ['acr', sqlText(token.acr)],
    ['amr', sqlTextArray(token.amr)],
    ['nonce', sqlText(token.nonce)],
    ['claims', sqlJson(token.claims)],
    ['expires_at', sqlTimestamp(token.expiresAt)],
    ['created_at', sqlTimestamp(createdAt)],
  ]);
}

const select = {
  id: true,
  familyId: true,
  clientId: true,
  userId: true,
  sessionId: true,
  scope: true,
  authTime: true,
  acr: true,
  amr: true,
  nonce: true,
  claims: true,
  expiresAt: true,
  consumedAt: true,
  revokedAt: true,
} as const;

/** Reads of refresh tokens; the writes that go with other tokens are in grant-repository.ts. */
export function refreshTokenRepository(db: Db) {
  return {
    async findById(id: string): Promise<RefreshTokenRecord | null> {
      const row = await db.refreshToken.findUnique({ where: { id }, select });
      return row ? { ...row, claims: row.claims ?? null } : null;
    },
    /**
     * Revokes the refresh tokens bound to an OP session (not the offline ones, which carry no
     * session id): for logout (Back-Channel Logout §2.7).
     */
    async revokeBySession(sessionId: string, now: Date): Promise<number> {
      const { count } = await db.refreshToken.updateMany({
        where: { sessionId, revokedAt: null },
        data: { revokedAt: now },
      });
      return count;
    },
  };
}
export type RefreshTokenRepository = ReturnType<typeof refreshTokenRepository>;
