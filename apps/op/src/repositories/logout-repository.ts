import { sqlQuery, type Db } from '../db/client.js';
import type { SqlStatement } from './token-rows.js';

/** Whether a user has any OP session (a lock-free look before the logout transaction). */
const USER_HAS_SESSIONS: SqlStatement = {
  name: 'op_sessions_user_has_any',
  text: `SELECT EXISTS (SELECT 1 FROM "sessions" WHERE "user_id" = $1) AS "any"`,
};

/** One client that took part in an OP session (a `rp_sessions` row). */
export interface RpParticipation {
  sessionId: string;
  clientId: string;
  userId: string;
}

/** An OP session that a logout ended, with every client that took part in it. */
export interface EndedSession {
  sessionId: string;
  userId: string;
  /** The user's organisation id (the `tenant` of the outbox row), null without one. */
  organizationId: string | null;
  clientIds: string[];
}

/** A Back-Channel Logout delivery to store in the outbox (`command_deliveries`, kind `backchannel_logout`). */
export interface NewLogoutDelivery {
  clientId: string;
  tenant: string;
  sub: string;
  sid: string;
}

/** Which sessions a logout ends. */
export type SessionSelection =
  | { sessionId: string }
  | { userId: string }
  /** Sessions past `expires_at`, at most `limit`, skipping rows another process holds. */
  | { expiredAt: Date; limit: number };

export const BACKCHANNEL_LOGOUT_KIND = 'backchannel_logout';

const utc = (date: Date) => date.toISOString();

/**
 * Session participation (`rp_sessions`) and the one transaction that ends OP sessions: lock the
 * sessions, read who took part, store the Back-Channel Logout deliveries the caller plans, revoke
 * the tokens bound to the sessions (never the offline ones, which carry no session id), and
 * delete participation, factors and sessions. Either all of it happens or none.
 */
export function logoutRepository(db: Db) {
  return {
    /** Records that `clientId` was answered inside session `sessionId` (idempotent). */
    async recordParticipation(input: RpParticipation & { now: Date }): Promise<void> {
      await db.rpSession.upsert({
        where: { sessionId_clientId: { sessionId: input.sessionId, clientId: input.clientId } },
        create: { sessionId: input.sessionId, clientId: input.clientId, userId: input.userId, createdAt: input.now, lastSeenAt: input.now },
        update: { lastSeenAt: input.now },
      });
    },

    /** How many of these outbox rows have not finished their first attempt yet. */
    async countAwaitingFirstAttempt(ids: string[]): Promise<number> {
      if (ids.length === 0) return 0;
      return db.commandDelivery.count({ where: { id: { in: ids }, OR: [{ attempts: 0 }, { status: 'delivering' }] } });
    },

    async participants(sessionId: string): Promise<RpParticipation[]> {
      return db.rpSession.findMany({
        where: { sessionId },
        select: { sessionId: true, clientId: true, userId: true },
        orderBy: { createdAt: 'asc' },
      });
    },

    /**
     * Ends the selected sessions in one transaction. `plan` is called (inside it) with the
     * sessions about to end and returns the logout deliveries to store; they are stored only if
     * the sessions really are deleted here, so two concurrent logouts of one session notify once.
     * Returns the ended sessions and the ids of the stored deliveries.
     */
    async endSessions(
      selection: SessionSelection,
      now: Date,
      plan: (ended: EndedSession[]) => Promise<NewLogoutDelivery[]>,
    ): Promise<{ ended: EndedSession[]; deliveryIds: string[] }> {
      // A user without sessions (an admin lifecycle event, mostly) needs no transaction: the
      // locking SELECT below would find nothing either, and a session created after this look
      // is one that the transaction would not have seen as well.
      if ('userId' in selection) {
        const { rows } = await sqlQuery<{ any: boolean }>(db, USER_HAS_SESSIONS, [selection.userId]);
        if (rows[0]?.any !== true) return { ended: [], deliveryIds: [] };
      }
      return db.$transaction(async (tx) => {
        let locked: { id: string; user_id: string }[];
        if ('sessionId' in selection) {
          locked = await tx.$queryRaw`SELECT "id", "user_id" FROM "sessions" WHERE "id" = ${selection.sessionId} FOR UPDATE`;
        } else if ('userId' in selection) {
          locked = await tx.$queryRaw`SELECT "id", "user_id" FROM "sessions" WHERE "user_id" = ${selection.userId} ORDER BY "id" FOR UPDATE`;
        } else {
          locked = await tx.$queryRaw`
            SELECT "id", "user_id" FROM "sessions"
            WHERE "expires_at" <= (${utc(selection.expiredAt)}::timestamptz AT TIME ZONE 'UTC')
            ORDER BY "expires_at" LIMIT ${selection.limit}
            FOR UPDATE SKIP LOCKED`;
        }
        if (locked.length === 0) return { ended: [], deliveryIds: [] };
        const ids = locked.map((row) => row.id);
        const [participation, users] = await Promise.all([
          tx.rpSession.findMany({ where: { sessionId: { in: ids } }, select: { sessionId: true, clientId: true }, orderBy: { createdAt: 'asc' } }),
          tx.user.findMany({ where: { id: { in: [...new Set(locked.map((row) => row.user_id))] } }, select: { id: true, organizationId: true } }),
        ]);
        const ended: EndedSession[] = locked.map((row) => ({
          sessionId: row.id,
          userId: row.user_id,
          organizationId: users.find((user) => user.id === row.user_id)?.organizationId ?? null,
          clientIds: participation.filter((p) => p.sessionId === row.id).map((p) => p.clientId),
        }));
        const deliveries = await plan(ended);
        const stored =
          deliveries.length === 0
            ? []
            : await tx.commandDelivery.createManyAndReturn({
                data: deliveries.map((d) => ({
                  kind: BACKCHANNEL_LOGOUT_KIND,
                  command: BACKCHANNEL_LOGOUT_KIND,
                  clientId: d.clientId,
                  tenant: d.tenant,
                  sub: d.sub,
                  sid: d.sid,
                  status: 'pending',
                  nextAttemptAt: now,
                  createdAt: now,
                  updatedAt: now,
                })),
                select: { id: true },
              });
        await tx.refreshToken.updateMany({ where: { sessionId: { in: ids }, revokedAt: null }, data: { revokedAt: now } });
        await tx.accessToken.updateMany({ where: { sessionId: { in: ids }, revokedAt: null }, data: { revokedAt: now } });
        await tx.rpSession.deleteMany({ where: { sessionId: { in: ids } } });
        await tx.sessionFactor.deleteMany({ where: { sessionId: { in: ids } } });
        await tx.session.deleteMany({ where: { id: { in: ids } } });
        return { ended, deliveryIds: stored.map((row) => row.id) };
      });
    },
  };
}
export type LogoutRepository = ReturnType<typeof logoutRepository>;
