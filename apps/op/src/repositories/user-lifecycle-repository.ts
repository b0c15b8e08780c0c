import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { utcTimestampText } from './token-rows.js';
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

/**
 * Ends the user's sessions (and their factors), drops their pending authorization codes and
 * revokes their access and refresh tokens: one statement (data-modifying CTEs).
 */
async function invalidate(tx: Tx, userId: string, now: Date): Promise<void> {
  const at = utcTimestampText(now);
  await tx.$executeRaw`
    WITH "s" AS (DELETE FROM "sessions" WHERE "user_id" = ${userId} RETURNING "id"),
         "f" AS (DELETE FROM "session_factors" WHERE "session_id" IN (SELECT "id" FROM "s")),
         "c" AS (DELETE FROM "authorization_codes" WHERE "user_id" = ${userId} AND "consumed_at" IS NULL),
         "a" AS (UPDATE "access_tokens" SET "revoked_at" = ${at}::timestamp(3) WHERE "user_id" = ${userId} AND "revoked_at" IS NULL)
    UPDATE "refresh_tokens" SET "revoked_at" = ${at}::timestamp(3) WHERE "user_id" = ${userId} AND "revoked_at" IS NULL`;
}

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
 * Lifecycle events of OP users: the change at the OP and the command deliveries that tell the
 * RPs, in **one transaction** (either the user is suspended and every RP will hear of it, or
 * nothing happened).
 */
export function userLifecycleRepository(db: Db) {
  return {
    /** Applies `change` to the user and stores `deliveries`; returns their ids, in order. False for an unknown user. */
    async apply(userId: string, change: LifecycleChange, deliveries: readonly NewCommandDelivery[], now: Date): Promise<string[] | null> {
      return db.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
        if (!user) return null;
        const rows = deliveries.map((delivery) => ({ ...newDeliveryData(delivery), id: randomUUID() }));
        if (rows.length > 0) await tx.commandDelivery.createMany({ data: rows });
        const ids = rows.map((row) => row.id);
        if (change.delete) {
          await deleteUser(tx, userId);
          return ids;
        }
        if (change.invalidate) await invalidate(tx, userId, now);
        if (change.leaveOrganization) await tx.groupMember.deleteMany({ where: { userId } });
        if (change.leaveOrganization || change.status !== undefined) {
          await tx.user.update({
            where: { id: userId },
            data: { ...(change.leaveOrganization && { organizationId: null }), ...(change.status !== undefined && { status: change.status }) },
          });
        }
        return ids;
      });
    },
  };
}
export type UserLifecycleRepository = ReturnType<typeof userLifecycleRepository>;
