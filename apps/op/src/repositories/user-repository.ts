import type { Db } from '../db/client.js';

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

export function userRepository(db: Db) {
  return {
    findById(id: string): Promise<UserRecord | null> {
      return db.user.findUnique({ where: { id }, select });
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
