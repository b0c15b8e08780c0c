import type { Db } from '../db/client.js';
import { sqlJson, sqlRow, sqlText, sqlTextArray, sqlTimestamp, utcTimestampText, type SqlRow } from './token-rows.js';

export interface AccessTokenRecord {
  /**
   * The row's key: the SHA-256 of an opaque token's value, or the `jti` of a JWT access token
   * (RFC 9068; see services/issue-access-token.ts).
   */
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
  /** When it was issued (`iat` at introspection). */
  createdAt: Date;
}

/** An access token to store: everything but its revocation; session and auth facts optional. */
export type NewAccessToken = Pick<AccessTokenRecord, 'id' | 'grantId' | 'clientId' | 'userId' | 'scope' | 'expiresAt'> &
  Partial<Pick<AccessTokenRecord, 'sessionId' | 'authTime' | 'acr' | 'amr'>> & {
    claims?: object | null;
    /** When it was issued (the request's time); default: now. */
    createdAt?: Date;
  };

/** The `access_tokens` row of a new token, for hand-written INSERTs. */
export function accessTokenRow(token: NewAccessToken, createdAt = token.createdAt ?? new Date()): SqlRow {
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

/**
 * The same row for raw `pg` statements: the column list, the cast of each parameter (in
 * order) and the values. `$n` numbering is the statement's business.
 */
export const ACCESS_TOKEN_COLUMNS = [
  ['id', 'text'],
  ['grant_id', 'text'],
  ['client_id', 'text'],
  ['user_id', 'text'],
  ['session_id', 'text'],
  ['scope', 'text'],
  ['auth_time', 'timestamp(3)'],
  ['acr', 'text'],
  ['amr', 'text[]'],
  ['claims', 'jsonb'],
  ['expires_at', 'timestamp(3)'],
  ['created_at', 'timestamp(3)'],
] as const;

export function accessTokenValues(token: NewAccessToken, createdAt = token.createdAt ?? new Date()): unknown[] {
  return [
    token.id,
    token.grantId,
    token.clientId,
    token.userId,
    token.sessionId ?? null,
    token.scope,
    utcTimestampText(token.authTime ?? null),
    token.acr ?? null,
    token.amr ?? [],
    token.claims == null ? null : JSON.stringify(token.claims),
    utcTimestampText(token.expiresAt),
    utcTimestampText(createdAt),
  ];
}

const isLive = (row: { revokedAt: Date | null; expiresAt: Date }, now: Date) => row.revokedAt === null && row.expiresAt > now;

export function accessTokenRepository(db: Db) {
  return {
    /** The token if it exists, whatever its state (revocation looks tokens up this way). */
    async findById(id: string): Promise<AccessTokenRecord | null> {
      const row = await db.accessToken.findUnique({ where: { id } });
      return row ? { ...row, claims: row.claims ?? null } : null;
    },
    /** The token if it exists, is not revoked and has not expired. */
    async findLive(id: string, now: Date): Promise<AccessTokenRecord | null> {
      const row = await db.accessToken.findUnique({ where: { id } });
      return row && isLive(row, now) ? { ...row, claims: row.claims ?? null } : null;
    },
    /** Stores one access token: a single INSERT, nothing read back. */
    async create(token: NewAccessToken): Promise<void> {
      const row = accessTokenRow(token);
      await db.$executeRaw`INSERT INTO "access_tokens" (${row.columns}) VALUES (${row.values})`;
    },
    /** Revokes one token (a token of no grant: client_credentials, or a grant-less test row). */
    async revoke(id: string, now: Date): Promise<boolean> {
      const { count } = await db.accessToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
      return count === 1;
    },
    /**
     * Denies a JWT access token that was never stored (client_credentials, RFC 9068): a revoked
     * row keyed by its `jti`, kept like any token row (it stops mattering at `exp`). Revoking it
     * again changes nothing.
     */
    async denyJwt(token: Pick<NewAccessToken, 'id' | 'clientId' | 'scope' | 'expiresAt'>, now: Date): Promise<void> {
      const row = accessTokenRow({ ...token, grantId: null, userId: null });
      await db.$executeRaw`INSERT INTO "access_tokens" (${row.columns}, "revoked_at") VALUES (${row.values}, ${sqlTimestamp(now)})
        ON CONFLICT ("id") DO UPDATE SET "revoked_at" = COALESCE("access_tokens"."revoked_at", EXCLUDED."revoked_at")`;
    },
  };
}
export type AccessTokenRepository = ReturnType<typeof accessTokenRepository>;
