import type { Db } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import { accessTokenRow, type NewAccessToken } from './access-token-repository.js';
import { refreshTokenRow, type NewRefreshToken } from './refresh-token-repository.js';
import { sqlText, sqlTimestamp } from './token-rows.js';

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

/**
 * The multi-table writes of the token endpoint's grants. Each is ONE statement (data-modifying
 * CTEs), so it is atomic without a transaction and costs one round trip.
 */
export function grantRepository(db: Db) {
  return {
    /**
     * Marks the code used and stores the tokens issued for it, atomically: a code is redeemed
     * by exactly one caller (`UPDATE … WHERE consumed_at IS NULL`), and a failure leaves
     * neither a used code without tokens nor tokens without a used code.
     */
    async redeemCode(codeId: string, now: Date, token: NewAccessToken, refreshToken?: NewRefreshToken): Promise<RedeemResult> {
      const count = await db.$executeRaw`WITH consumed AS (
          UPDATE "authorization_codes" SET "consumed_at" = ${sqlTimestamp(now)}
          WHERE "id" = ${sqlText(codeId)} AND "consumed_at" IS NULL RETURNING 1
        ) ${insertAfterConsumed(token, refreshToken)}`;
      return count === 1 ? 'redeemed' : 'already-used';
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
