import type { Db } from '../db/client.js';

export interface SessionRecord {
  id: string;
  userId: string;
  authTime: Date;
  acr: string;
  amr: string[];
  expiresAt: Date;
}

const select = { id: true, userId: true, authTime: true, acr: true, amr: true, expiresAt: true } as const;

export function sessionRepository(db: Db) {
  return {
    async findLiveByCookieHash(cookieHash: string, now: Date): Promise<SessionRecord | null> {
      const row = await db.session.findUnique({ where: { cookieHash }, select });
      return row && row.expiresAt > now ? row : null;
    },
    findById(id: string): Promise<SessionRecord | null> {
      return db.session.findUnique({ where: { id }, select });
    },
    create(input: SessionRecord & { cookieHash: string }): Promise<SessionRecord> {
      return db.session.create({ data: input, select });
    },
    async delete(id: string): Promise<void> {
      await db.session.deleteMany({ where: { id } });
    },
  };
}
export type SessionRepository = ReturnType<typeof sessionRepository>;
