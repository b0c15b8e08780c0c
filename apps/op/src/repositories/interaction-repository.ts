import type { Db } from '../db/client.js';
import type { AuthorizationParams } from '../authorize/params.js';

export interface InteractionRecord {
  id: string;
  clientId: string;
  params: AuthorizationParams;
  csrfToken: string;
  sessionId: string | null;
  /** A TOTP secret offered for enrolment, until confirmed with a code. */
  pendingTotpSecret: string | null;
  /** The user declined to set up a method a requested level needs. */
  enrolmentDeclined: boolean;
  createdAt: Date;
  expiresAt: Date;
}

export function interactionRepository(db: Db) {
  return {
    async create(input: Omit<InteractionRecord, 'sessionId' | 'pendingTotpSecret' | 'enrolmentDeclined' | 'createdAt'>): Promise<void> {
      await db.interaction.create({ data: { ...input, params: input.params as object } });
    },
    async findLive(id: string, now: Date): Promise<InteractionRecord | null> {
      const row = await db.interaction.findUnique({ where: { id } });
      if (!row || row.expiresAt <= now) return null;
      return { ...row, params: row.params as unknown as AuthorizationParams };
    },
    async markAuthenticated(id: string, sessionId: string): Promise<void> {
      await db.interaction.update({ where: { id }, data: { sessionId } });
    },
    async setPendingTotpSecret(id: string, secret: string | null): Promise<void> {
      await db.interaction.update({ where: { id }, data: { pendingTotpSecret: secret } });
    },
    async declineEnrolment(id: string): Promise<void> {
      await db.interaction.update({ where: { id }, data: { enrolmentDeclined: true, pendingTotpSecret: null } });
    },
    /** Ends the interaction; true only for the one caller that removed it. */
    async consume(id: string): Promise<boolean> {
      const { count } = await db.interaction.deleteMany({ where: { id } });
      return count === 1;
    },
  };
}
export type InteractionRepository = ReturnType<typeof interactionRepository>;
