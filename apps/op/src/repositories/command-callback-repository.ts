import type { Db } from '../db/client.js';

/** What the RP may POST to the callback endpoint with a token (§5.2, §6.1, §6.3). */
export const CALLBACK_PURPOSES = ['async_result', 'metadata', 'audit_tenant'] as const;
export type CallbackPurpose = (typeof CALLBACK_PURPOSES)[number];

/** A callback token as stored: only its hash, and what it is good for. */
export interface CallbackTokenRecord {
  tokenHash: string;
  deliveryId: string;
  clientId: string;
  tenant: string;
  command: string;
  purpose: CallbackPurpose;
  expiresAt: Date | null;
}

/**
 * Callback tokens (`command_callback_tokens`), stored as SHA-256 hashes: a token is looked up
 * by its hash (an index lookup, no comparison of secrets in application code).
 */
export function commandCallbackRepository(db: Db) {
  return {
    async issue(input: CallbackTokenRecord & { now: Date }): Promise<void> {
      const { now, ...data } = input;
      await db.commandCallbackToken.create({ data: { ...data, createdAt: now } });
    },

    /** The live token with this hash, or null (unknown or expired). */
    async findLive(tokenHash: string, now: Date): Promise<CallbackTokenRecord | null> {
      const row = await db.commandCallbackToken.findUnique({ where: { tokenHash } });
      if (!row || (row.expiresAt !== null && row.expiresAt <= now)) return null;
      return { ...row, purpose: row.purpose as CallbackPurpose };
    },

    /** Ends every token of a delivery (an async result was received: tokens are single-use). */
    async revokeForDelivery(deliveryId: string): Promise<void> {
      await db.commandCallbackToken.deleteMany({ where: { deliveryId } });
    },

    /**
     * A newer `metadata` / `audit_tenant` exchange succeeded: the refresh tokens of older
     * deliveries of the same kind for this client and tenant stop working.
     */
    async revokeReplaced(input: { clientId: string; tenant: string; purpose: CallbackPurpose; keepDeliveryId: string }): Promise<void> {
      await db.commandCallbackToken.deleteMany({
        where: { clientId: input.clientId, tenant: input.tenant, purpose: input.purpose, deliveryId: { not: input.keepDeliveryId } },
      });
    },

    /** Drops expired tokens (housekeeping). */
    async deleteExpired(now: Date): Promise<number> {
      const { count } = await db.commandCallbackToken.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },
  };
}
export type CommandCallbackRepository = ReturnType<typeof commandCallbackRepository>;
