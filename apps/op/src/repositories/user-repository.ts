import { sqlQuery, type Db } from '../db/client.js';
import type { SqlStatement } from './token-rows.js';

export interface UserRecord {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  passwordHash: string;
  organization: { id: string; name: string } | null;
  /** `active`, `suspended` or `archived`: only active users may sign in (see user-lifecycle-repository.ts). */
  status: string;
}

const select = {
  id: true,
  email: true,
  emailVerified: true,
  name: true,
  passwordHash: true,
  status: true,
  organization: { select: { id: true, name: true } },
} as const;

export interface UpsertUserInput {
  email: string;
  name: string;
  passwordHash: string;
  emailVerified: boolean;
  organizationId: string | null;
  totpSecret?: string | null;
}

/** `findById` on the hot paths (admin lifecycle events, sign-in): one named statement, the organisation joined. */
const FIND_BY_ID: SqlStatement = {
  name: 'op_users_find_by_id',
  text: `SELECT u."id", u."email", u."email_verified" AS "emailVerified", u."name", u."password_hash" AS "passwordHash", u."status",
                o."id" AS "orgId", o."name" AS "orgName"
           FROM "users" u LEFT JOIN "organizations" o ON o."id" = u."organization_id"
          WHERE u."id" = $1`,
};

type FoundUser = Omit<UserRecord, 'organization'> & { orgId: string | null; orgName: string | null };

export function userRepository(db: Db) {
  return {
    async findById(id: string): Promise<UserRecord | null> {
      const { rows } = await sqlQuery<FoundUser>(db, FIND_BY_ID, [id]);
      const row = rows[0];
      if (row === undefined) return null;
      const { orgId, orgName, ...user } = row;
      return { ...user, organization: orgId === null || orgName === null ? null : { id: orgId, name: orgName } };
    },
    findByEmail(email: string): Promise<UserRecord | null> {
      return db.user.findUnique({ where: { email: email.toLowerCase() }, select });
    },
    /** Creates the user or updates everything but the password of an existing one. */
    async upsertByEmail(input: UpsertUserInput): Promise<UserRecord> {
      const email = input.email.toLowerCase();
      const { passwordHash: _keepExisting, ...rest } = input;
      return db.user.upsert({
        where: { email },
        create: { ...input, email },
        update: { ...rest, email },
        select,
      });
    },
  };
}
export type UserRepository = ReturnType<typeof userRepository>;
