import type { Db } from '../db/client.js';
import { sqlJson, sqlRow, sqlText, sqlTextArray, sqlTimestamp, type SqlRow } from './token-rows.js';

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

/** An access token to store: everything but its revocation; session and auth facts optional. */
export type NewAccessToken = Pick<AccessTokenRecord, 'id' | 'grantId' | 'clientId' | 'userId' | 'scope' | 'expiresAt'> &
  Partial<Pick<AccessTokenRecord, 'sessionId' | 'authTime' | 'acr' | 'amr'>> & { claims?: object | null };

/** The `access_tokens` row of a new token, for hand-written INSERTs. */
export function accessTokenRow(token: NewAccessToken, createdAt = new Date()): SqlRow {
  return sqlRow([
    ['id', sqlText(token.id)],
    ['grant_id', sqlText(token.grantId)],
    ['client_id', sqlText(token.clientId)],
    ['user_id', sqlText(token.userId)],
    ['session_id', sqlText(token.sessionId ?? null)],
    ['scope', sqlText(token.scope)],
    ['auth_time', sqlTimestamp(token.authTime ?? null)],
    ['acr', sqlText(token.acr ?? null)],
    ['amr', sqlTextArray(token.amr ?? [])],
    ['claims', sqlJson(token.claims)],
    ['expires_at', sqlTimestamp(token.expiresAt)],
    ['created_at', sqlTimestamp(createdAt)],
  ]);
}

export function accessTokenRepository(db: Db) {
  return {
    async findLive(id: string, now: Date): Promise<AccessTokenRecord | null> {
      const row = await db.accessToken.findUnique({ where: { id } });
      return row && row.revokedAt === null && row.expiresAt > now ? { ...row, claims: row.claims ?? null } : null;
    },
    /** Stores one access token: a single INSERT, nothing read back (the client_credentials hot path). */
    async create(token: NewAccessToken): Promise<void> {
      const row = accessTokenRow(token);
      await db.$executeRaw`INSERT INTO "access_tokens" (${row.columns}) VALUES (${row.values})`;
    },
  };
}
export type AccessTokenRepository = ReturnType<typeof accessTokenRepository>;
