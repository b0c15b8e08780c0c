import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';

export interface SessionFactor {
  method: string;
  completedAt: Date;
  /** The authorization request's interaction it was completed in, if any. */
  interactionId?: string | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** Summary of the latest authentication: the last factor's time, the best acr met, all amr. */
  authTime: Date;
  acr: string;
  amr: string[];
  expiresAt: Date;
  /** Every factor completed in this session, oldest first. */
  factors: SessionFactor[];
}

const select = { id: true, userId: true, authTime: true, acr: true, amr: true, expiresAt: true } as const;

export function sessionRepository(db: Db) {
  async function withFactors<T extends { id: string }>(row: T | null): Promise<(T & { factors: SessionFactor[] }) | null> {
    if (!row) return null;
    const factors = await db.sessionFactor.findMany({
      where: { sessionId: row.id },
      orderBy: { completedAt: 'asc' },
      select: { method: true, completedAt: true, interactionId: true },
    });
    return { ...row, factors };
  }

  return {
    async findLiveByCookieHash(cookieHash: string, now: Date): Promise<SessionRecord | null> {
      const row = await db.session.findUnique({ where: { cookieHash }, select });
      return row && row.expiresAt > now ? withFactors(row) : null;
    },
    async findById(id: string): Promise<SessionRecord | null> {
      return withFactors(await db.session.findUnique({ where: { id }, select }));
    },
    /** A new session with its first factor, in one transaction. */
    async create(input: Omit<SessionRecord, 'factors'> & { cookieHash: string; factor: SessionFactor }): Promise<SessionRecord> {
      const { factor, ...session } = input;
      return db.$transaction(async (tx) => {
        const row = await tx.session.create({ data: session, select });
        await tx.sessionFactor.create({ data: { id: randomUUID(), sessionId: row.id, ...factor } });
        return { ...row, factors: [factor] };
      });
    },
    /**
     * Records a factor completed in an existing session and rotates its cookie (a privilege
     * change), updating the session's summary, in one transaction.
     */
    async addFactor(
      id: string,
      input: { factor: SessionFactor; cookieHash: string; summary: Pick<SessionRecord, 'authTime' | 'acr' | 'amr'> },
    ): Promise<SessionRecord> {
      await db.$transaction(async (tx) => {
        await tx.sessionFactor.create({ data: { id: randomUUID(), sessionId: id, ...input.factor } });
        await tx.session.update({ where: { id }, data: { cookieHash: input.cookieHash, ...input.summary } });
      });
      const session = await this.findById(id);
      if (!session) throw new Error('session vanished while adding a factor');
      return session;
    },
    async delete(id: string): Promise<void> {
      await db.$transaction([db.sessionFactor.deleteMany({ where: { sessionId: id } }), db.session.deleteMany({ where: { id } })]);
    },
  };
}
export type SessionRepository = ReturnType<typeof sessionRepository>;
