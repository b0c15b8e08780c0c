import { randomUUID } from 'node:crypto';
import { sqlQuery, type Db } from '../db/client.js';
import { utcTimestampText, type SqlStatement } from './token-rows.js';
import { newDeliveryData, type NewCommandDelivery } from './command-delivery-repository.js';

/** A user's state at the OP: only `active` users may sign in. */
export const USER_STATUSES = ['active', 'suspended', 'archived'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** What a lifecycle event does to the user at the OP, next to the commands it enqueues. */
export interface LifecycleChange {
  /** The user's new status. */
  status?: UserStatus;
  /** End the user's OP sessions and revoke their access and refresh tokens (and pending codes). */
  invalidate?: boolean;
  /** Leave the organisation: the user becomes `personal` and leaves its groups. */
  leaveOrganization?: boolean;
  /** Delete the user and every row that refers to them. */
  delete?: boolean;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

async function deleteUser(tx: Tx, userId: string): Promise<void> {
  const sessions = await tx.session.findMany({ where: { userId }, select: { id: true } });
  await tx.sessionFactor.deleteMany({ where: { sessionId: { in: sessions.map((s) => s.id) } } });
  await tx.session.deleteMany({ where: { userId } });
  await tx.authorizationCode.deleteMany({ where: { userId } });
  await tx.accessToken.deleteMany({ where: { userId } });
  await tx.refreshToken.deleteMany({ where: { userId } });
  await tx.consent.deleteMany({ where: { userId } });
  await tx.groupMember.deleteMany({ where: { userId } });
  await tx.user.delete({ where: { id: userId } });
}

/**
 * Every change but `delete` in ONE statement (data-modifying CTEs: atomic without a
 * transaction, one round trip): lock the user, insert the deliveries, end sessions and tokens,
 * leave the organisation, set the status. `found` is 0 for an unknown user (nothing written).
 */
const APPLY_CHANGE: SqlStatement = {
  name: 'op_user_lifecycle_apply',
  text: `WITH "u" AS (SELECT "id" FROM "users" WHERE "id" = $1 FOR UPDATE),
    "d" AS (
      INSERT INTO "command_deliveries" ("id", "client_id", "command", "tenant", "sub", "claims", "authentication_provider",
                                        "status", "attempts", "next_attempt_at", "created_at", "updated_at")
      SELECT r."id", r."client_id", r."command", r."tenant", r."sub", r."claims", r."authentication_provider",
             'pending', 0, $6::timestamp(3), $6::timestamp(3), $6::timestamp(3)
      FROM json_to_recordset($2::json) AS r("id" text, "client_id" text, "command" text, "tenant" text, "sub" text, "claims" jsonb, "authentication_provider" text)
      WHERE EXISTS (SELECT 1 FROM "u")
      RETURNING "id"),
    "s" AS (DELETE FROM "sessions" WHERE $3::boolean AND "user_id" IN (SELECT "id" FROM "u") RETURNING "id"),
    "f" AS (DELETE FROM "session_factors" WHERE "session_id" IN (SELECT "id" FROM "s")),
    "c" AS (DELETE FROM "authorization_codes" WHERE $3::boolean AND "user_id" IN (SELECT "id" FROM "u") AND "consumed_at" IS NULL),
    "a" AS (UPDATE "access_tokens" SET "revoked_at" = $6::timestamp(3) WHERE $3::boolean AND "user_id" IN (SELECT "id" FROM "u") AND "revoked_at" IS NULL),
    "r" AS (UPDATE "refresh_tokens" SET "revoked_at" = $6::timestamp(3) WHERE $3::boolean AND "user_id" IN (SELECT "id" FROM "u") AND "revoked_at" IS NULL),
    "g" AS (DELETE FROM "group_members" WHERE $5::boolean AND "user_id" IN (SELECT "id" FROM "u")),
    "x" AS (UPDATE "users" SET "status" = COALESCE($4::text, "status"),
                               "organization_id" = CASE WHEN $5::boolean THEN NULL ELSE "organization_id" END,
                               "updated_at" = $6::timestamp(3)
            WHERE "id" IN (SELECT "id" FROM "u") AND ($4::text IS NOT NULL OR $5::boolean))
    SELECT (SELECT count(*) FROM "u")::int AS "found"`,
};

/**
 * Lifecycle events of OP users: the change at the OP and the command deliveries that tell the
 * RPs, in **one transaction** (either the user is suspended and every RP will hear of it, or
 * nothing happened).
 */
export function userLifecycleRepository(db: Db) {
  /** `delete`: the deliveries are stored, then the user and every row that refers to them go. */
  function deleteWithDeliveries(userId: string, rows: (ReturnType<typeof newDeliveryData> & { id: string })[]): Promise<string[] | null> {
    return db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) return null;
      if (rows.length > 0) await tx.commandDelivery.createMany({ data: rows });
      await deleteUser(tx, userId);
      return rows.map((row) => row.id);
    });
  }

  return {
    /** Applies `change` to the user and stores `deliveries`; returns their ids, in order. False for an unknown user. */
    async apply(userId: string, change: LifecycleChange, deliveries: readonly NewCommandDelivery[], now: Date): Promise<string[] | null> {
      const rows = deliveries.map((delivery) => ({ ...newDeliveryData(delivery), id: randomUUID() }));
      const ids = rows.map((row) => row.id);
      if (change.delete) return deleteWithDeliveries(userId, rows);
      const batch = rows.map((row) => ({
        id: row.id,
        client_id: row.clientId,
        command: row.command,
        tenant: row.tenant,
        sub: row.sub,
        claims: row.claims ?? null,
        authentication_provider: row.authenticationProvider,
      }));
      const { rows: result } = await sqlQuery<{ found: number }>(db, APPLY_CHANGE, [
        userId,
        JSON.stringify(batch),
        change.invalidate === true,
        change.status ?? null,
        change.leaveOrganization === true,
        utcTimestampText(now),
      ]);
      return result[0]?.found === 1 ? ids : null;
    },
  };
}
export type UserLifecycleRepository = ReturnType<typeof userLifecycleRepository>;
