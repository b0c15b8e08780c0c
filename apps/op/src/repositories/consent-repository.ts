import type { Db } from '../db/client.js';

export function consentRepository(db: Db) {
  return {
    async scopesGranted(userId: string, clientId: string): Promise<string[]> {
      const row = await db.consent.findUnique({ where: { userId_clientId: { userId, clientId } } });
      return row?.scopes ?? [];
    },
    /** Adds scopes to what the user already granted the client. */
    async grant(userId: string, clientId: string, scopes: string[]): Promise<void> {
      const existing = await this.scopesGranted(userId, clientId);
      const merged = [...new Set([...existing, ...scopes])];
      await db.consent.upsert({
        where: { userId_clientId: { userId, clientId } },
        create: { userId, clientId, scopes: merged },
        update: { scopes: merged },
      });
    },
  };
}
export type ConsentRepository = ReturnType<typeof consentRepository>;
