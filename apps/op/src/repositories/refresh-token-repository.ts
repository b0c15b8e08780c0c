import type { Db } from '../db/client.js';
import { sqlJson, sqlRow, sqlText, sqlTextArray, sqlTimestamp, utcTimestampText, type SqlRow } from './token-rows.js';

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
  /** When it was issued (`iat` at introspection). */
  createdAt: Date;
}

export type NewRefreshToken = Omit<RefreshTokenRecord, 'consumedAt' | 'revokedAt' | 'claims' | 'createdAt'> & {
  claims?: object | null;
  /** When it was issued (the request's time); default: now. */
  createdAt?: Date;
};

/** The `refresh_tokens` row of a new token, for hand-written INSERTs. */
export function refreshTokenRow(token: NewRefreshToken, createdAt = token.createdAt ?? new Date()): SqlRow {
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

/** The same row for raw `pg` statements (see `ACCESS_TOKEN_COLUMNS`). */
export const REFRESH_TOKEN_COLUMNS = [
  ['id', 'text'],
  ['family_id', 'text'],
  ['client_id', 'text'],
  ['user_id', 'text'],
  ['session_id', 'text'],
  ['scope', 'text'],
  ['auth_time', 'timestamp(3)'],
  ['acr', 'text'],
  ['amr', 'text[]'],
  ['nonce', 'text'],
  ['claims', 'jsonb'],
  ['expires_at', 'timestamp(3)'],
  ['created_at', 'timestamp(3)'],
] as const;

export function refreshTokenValues(token: NewRefreshToken, createdAt = token.createdAt ?? new Date()): unknown[] {
  return [
    token.id,
    token.familyId,
    token.clientId,
    token.userId,
    token.sessionId,
    token.scope,
    utcTimestampText(token.authTime),
    token.acr,
    token.amr,
    token.nonce,
    token.claims == null ? null : JSON.stringify(token.claims),
    utcTimestampText(token.expiresAt),
    utcTimestampText(createdAt),
  ];
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
  createdAt: true,
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
