import { sqlQuery, type SqlStatement } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/** A session as the app sees it. `id` is the SHA-256 of the cookie value, never the value. */
export interface SessionRecord {
  id: string;
  csrfToken: string;
  accountId: string | null;
  tenantId: string | null;
  idToken: string | null;
  opSid: string | null;
  expiresAt: Date;
}

const sessionSelect = {
  id: true,
  csrfToken: true,
  accountId: true,
  tenantId: true,
  idToken: true,
  opSid: true,
  expiresAt: true,
} as const;

export interface CreateSessionOptions {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  loginState?: Prisma.InputJsonObject;
  signedIn?: { accountId: string; tenantId: string; idToken: string; opSid: string | null };
}

export async function createSession(db: Db, options: CreateSessionOptions): Promise<SessionRecord> {
  return db.session.create({
    data: {
      id: options.id,
      csrfToken: options.csrfToken,
      expiresAt: options.expiresAt,
      ...(options.loginState ? { loginState: options.loginState } : {}),
      ...(options.signedIn ?? {}),
    },
    select: sessionSelect,
  });
}

/** The session with this id, unless it has expired. */
export async function findActiveSession(db: Db, { id, now }: { id: string; now: Date }): Promise<SessionRecord | null> {
  return db.session.findFirst({ where: { id, expiresAt: { gt: now } }, select: sessionSelect });
}

/** Stores a pending sign-in on the session, replacing any earlier one. */
export async function saveLoginState(db: Db, { id, loginState }: { id: string; loginState: Prisma.InputJsonObject }): Promise<void> {
  await db.session.update({ where: { id }, data: { loginState }, select: { id: true } });
}

/**
 * Atomically reads and clears the session's pending sign-in: of two concurrent callbacks
 * only one gets it (the row is locked, the second sees it cleared). `null` when there is none.
 */
export async function takeLoginState(db: Db, { id }: { id: string }): Promise<unknown> {
  const rows = await db.$queryRaw<Array<{ loginState: unknown }>>`
    UPDATE "sessions" AS s SET "login_state" = NULL
    FROM (SELECT "id", "login_state" FROM "sessions" WHERE "id" = ${id} FOR UPDATE) AS old
    WHERE s."id" = old."id" AND old."login_state" IS NOT NULL
    RETURNING old."login_state" AS "loginState"`;
  return rows[0]?.loginState ?? null;
}

/** Deletes the session (no error when it is already gone). */
export async function deleteSession(db: Db, { id }: { id: string }): Promise<void> {
  await db.session.deleteMany({ where: { id } });
}

/** Deletes every expired session; returns how many. */
export async function deleteExpiredSessions(db: Db, { now }: { now: Date }): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

/** One statement on the `account_id` index (commands end an account's sessions on the hot path). */
const DELETE_SESSIONS_OF_ACCOUNT: SqlStatement = {
  name: 'rp_sessions_delete_of_account',
  text: `WITH "gone" AS (DELETE FROM "sessions" WHERE "account_id" = $1 RETURNING 1) SELECT count(*)::int AS "n" FROM "gone"`,
};

/** Ends every session of an account (invalidate functionality); returns how many ended. */
export async function deleteSessionsOfAccount(db: Db, { accountId }: { accountId: string }): Promise<number> {
  const rows = await sqlQuery<{ n: number }>(db, DELETE_SESSIONS_OF_ACCOUNT, [accountId]);
  return rows[0]?.n ?? 0;
}

