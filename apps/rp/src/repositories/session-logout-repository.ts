import { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

export interface DeleteSessionsForLogoutOptions {
  /** The OP's issuer: only sessions of accounts of this issuer are touched. */
  issuer: string;
  /** The OP user: every session of the account `(issuer, sub)`. */
  sub?: string | undefined;
  /** The OP session: the sessions signed in through it (`op_sid`). */
  sid?: string | undefined;
}

/**
 * Ends the sessions an OP logout names, in one statement: sessions of the account
 * `(issuer, sub)` when `sub` is given, narrowed to `op_sid = sid` when `sid` is given too, or
 * every session signed in through `sid` (of an account of this issuer) when only `sid` is.
 * The stored ID token goes with the row. Returns the ids of the deleted sessions.
 *
 * The logout names no RP tenant: `(issuer, sub)` identifies one account (a unique key), and an
 * OP `sid` belongs to one OP session of one user, so no other tenant's rows can match.
 */
export async function deleteSessionsForLogout(db: Db, { issuer, sub, sid }: DeleteSessionsForLogoutOptions): Promise<string[]> {
  if (sub === undefined && sid === undefined) throw new TypeError('a logout needs sub or sid');
  const conditions = [Prisma.sql`a."issuer" = ${issuer}`];
  if (sub !== undefined) conditions.push(Prisma.sql`a."sub" = ${sub}`);
  if (sid !== undefined) conditions.push(Prisma.sql`s."op_sid" = ${sid}`);
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    DELETE FROM "sessions" AS s USING "accounts" AS a
    WHERE s."account_id" = a."id" AND ${Prisma.join(conditions, ' AND ')}
    RETURNING s."id" AS "id"`;
  return rows.map((row) => row.id);
}
