import { sqlQuery, type Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { ACCESS_TOKEN_COLUMNS, accessTokenRow, accessTokenValues, type NewAccessToken } from './access-token-repository.js';
import type { AuthorizationCodeRecord } from './authorization-code-repository.js';
import { REFRESH_TOKEN_COLUMNS, refreshTokenRow, refreshTokenValues, type NewRefreshToken } from './refresh-token-repository.js';
import { sqlText, sqlTimestamp, utcTimestampText, type SqlStatement } from './token-rows.js';
import type { UserRecord } from './user-repository.js';

export type { NewAccessToken } from './access-token-repository.js';
export type { NewRefreshToken } from './refresh-token-repository.js';

export type RedeemResult = 'redeemed' | 'already-used';
export type RotateResult = 'rotated' | 'already-used';

/**
 * `… INSERT INTO access_tokens … SELECT … FROM consumed [, INSERT INTO refresh_tokens …]`: the
 * tokens to store after the `consumed` CTE, as one statement whose row count is 1 when the
 * consumption happened and 0 when it did not (so nothing was stored).
 */
function insertAfterConsumed(token: NewAccessToken, refreshToken: NewRefreshToken | undefined): Prisma.Sql {
  const at = accessTokenRow(token);
  if (!refreshToken) return Prisma.sql`INSERT INTO "access_tokens" (${at.columns}) SELECT ${at.values} FROM consumed`;
  const rt = refreshTokenRow(refreshToken);
  return Prisma.sql`, issued_access AS (INSERT INTO "access_tokens" (${at.columns}) SELECT ${at.values} FROM consumed)
    INSERT INTO "refresh_tokens" (${rt.columns}) SELECT ${rt.values} FROM consumed`;
}

/** `INSERT INTO table (columns) SELECT $first::cast, … FROM consumed`, for a raw statement. */
function insertFromConsumed(table: string, columns: readonly (readonly [string, string])[], first: number): string {
  const names = columns.map(([name]) => `"${name}"`).join(', ');
  const values = columns.map(([, cast], i) => `$${first + i}::${cast}`).join(', ');
  return `INSERT INTO "${table}" (${names}) SELECT ${values} FROM consumed`;
}

const CONSUME_CODE = 'WITH consumed AS (UPDATE "authorization_codes" SET "consumed_at" = $2::timestamp(3) WHERE "id" = $1 AND "consumed_at" IS NULL RETURNING 1)';
const ACCESS_AFTER_CODE = 3;
const REFRESH_AFTER_CODE = ACCESS_AFTER_CODE + ACCESS_TOKEN_COLUMNS.length;

/** The code exchange's write, as one named statement (with and without a refresh token). */
const REDEEM_CODE: SqlStatement = {
  name: 'op_redeem_code',
  text: `${CONSUME_CODE} ${insertFromConsumed('access_tokens', ACCESS_TOKEN_COLUMNS, ACCESS_AFTER_CODE)}`,
};
const REDEEM_CODE_WITH_REFRESH: SqlStatement = {
  name: 'op_redeem_code_refresh',
  text: `${CONSUME_CODE}, issued_access AS (${insertFromConsumed('access_tokens', ACCESS_TOKEN_COLUMNS, ACCESS_AFTER_CODE)})
    ${insertFromConsumed('refresh_tokens', REFRESH_TOKEN_COLUMNS, REFRESH_AFTER_CODE)}`,
};

/** The code exchange's read: the code, its user and the user's organization, in one statement. */
const CODE_WITH_USER: SqlStatement = {
  name: 'op_code_with_user',
  text: `SELECT c."id", c."grant_id" AS "grantId", c."client_id" AS "clientId", c."user_id" AS "userId",
      c."session_id" AS "sessionId", c."redirect_uri" AS "redirectUri", c."scope", c."nonce",
      c."code_challenge" AS "codeChallenge", c."code_challenge_method" AS "codeChallengeMethod",
      c."auth_time" AS "authTime", c."acr", c."amr", c."max_age_requested" AS "maxAgeRequested", c."claims",
      c."expires_at" AS "expiresAt", c."consumed_at" AS "consumedAt",
      u."id" AS "u_id", u."email" AS "u_email", u."email_verified" AS "u_emailVerified", u."name" AS "u_name",
      u."password_hash" AS "u_passwordHash", u."status" AS "u_status", o."id" AS "o_id", o."name" AS "o_name"
    FROM "authorization_codes" c
    LEFT JOIN "users" u ON u."id" = c."user_id"
    LEFT JOIN "organizations" o ON o."id" = u."organization_id"
    WHERE c."id" = $1`,
};

type CodeWithUserRow = AuthorizationCodeRecord & {
  u_id: string | null;
  u_email: string;
  u_emailVerified: boolean;
  u_name: string;
  u_passwordHash: string;
  u_status: string;
  o_id: string | null;
  o_name: string;
};

/**
 * The multi-table writes of the token endpoint's grants. Each is ONE statement (data-modifying
 * CTEs), so it is atomic without a transaction and costs one round trip.
 */
export function grantRepository(db: Db) {
  return {
    /**
     * The code to exchange with its user (and the user's organization), in one round trip: a
     * named statement on the hot path of the code exchange. `user` is null when the user no
     * longer exists.
     */
    async findCodeWithUser(codeId: string): Promise<{ code: AuthorizationCodeRecord; user: UserRecord | null } | null> {
      const { rows } = await sqlQuery<CodeWithUserRow>(db, CODE_WITH_USER, [codeId]);
      const row = rows[0];
      if (!row) return null;
      const { u_id, u_email, u_emailVerified, u_name, u_passwordHash, u_status, o_id, o_name, ...code } = row;
      const user: UserRecord | null =
        u_id === null
          ? null
          : {
              id: u_id,
              email: u_email,
              emailVerified: u_emailVerified,
              name: u_name,
              passwordHash: u_passwordHash,
              status: u_status,
              organization: o_id === null ? null : { id: o_id, name: o_name },
            };
      return { code, user };
    },
    /**
     * Marks the code used and stores the tokens issued for it, atomically: a code is redeemed
     * by exactly one caller (`UPDATE … WHERE consumed_at IS NULL`), and a failure leaves
     * neither a used code without tokens nor tokens without a used code. One named statement.
     */
    async redeemCode(codeId: string, now: Date, token: NewAccessToken, refreshToken?: NewRefreshToken): Promise<RedeemResult> {
      const values = [codeId, utcTimestampText(now), ...accessTokenValues(token)];
      const { rowCount } = refreshToken
        ? await sqlQuery(db, REDEEM_CODE_WITH_REFRESH, [...values, ...refreshTokenValues(refreshToken)])
        : await sqlQuery(db, REDEEM_CODE, values);
      return rowCount === 1 ? 'redeemed' : 'already-used';
    },
    /**
     * Refresh token rotation (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2): consumes the presented token
     * (`UPDATE … WHERE consumed_at IS NULL AND revoked_at IS NULL`, so exactly one caller wins)
     * and stores its successor and the new access token, atomically.
     */
    async rotateRefreshToken(
      refreshTokenId: string,
      now: Date,
      token: NewAccessToken,
      successor: NewRefreshToken,
    ): Promise<RotateResult> {
      const count = await db.$executeRaw`WITH consumed AS (
          UPDATE "refresh_tokens" SET "consumed_at" = ${sqlTimestamp(now)}
          WHERE "id" = ${sqlText(refreshTokenId)} AND "consumed_at" IS NULL AND "revoked_at" IS NULL RETURNING 1
        ) ${insertAfterConsumed(token, successor)}`;
      return count === 1 ? 'rotated' : 'already-used';
    },
    /** Stores an access token and its refresh token together (grants without a code), atomically. */
    async issue(token: NewAccessToken, refreshToken: NewRefreshToken): Promise<void> {
      const at = accessTokenRow(token);
      const rt = refreshTokenRow(refreshToken);
      await db.$executeRaw`WITH issued_access AS (INSERT INTO "access_tokens" (${at.columns}) VALUES (${at.values}))
        INSERT INTO "refresh_tokens" (${rt.columns}) VALUES (${rt.values})`;
    },
    /**
     * Revokes every access and refresh token issued under the grant: code replay (RFC 6749
     * §4.1.2) and refresh token reuse (RFC 9700 §4.14.2). Refresh tokens carry the grant id as
     * their family id.
     */
    async revokeGrant(grantId: string, now: Date): Promise<number> {
      const [accessTokens, refreshTokens] = await db.$transaction([
        db.accessToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: now } }),
        db.refreshToken.updateMany({ where: { familyId: grantId, revokedAt: null }, data: { revokedAt: now } }),
      ]);
      return accessTokens.count + refreshTokens.count;
    },
  };
}
export type GrantRepository = ReturnType<typeof grantRepository>;
