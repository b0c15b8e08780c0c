import type { PrismaClient } from '../db/client.js';
import { deleteSessionsForLogout } from '../repositories/session-logout-repository.js';

export interface EndOpSessionsOptions {
  prisma: PrismaClient;
  /** The OP's issuer (already verified against `RP_OIDC_ISSUER`). */
  issuer: string;
  sub?: string | undefined;
  sid?: string | undefined;
}

/**
 * Ends the RP sessions an OP logout names (back-channel or front-channel): those signed in
 * through the OP session `sid`, and/or every session of the user `(issuer, sub)`; with both, the
 * sessions of that user through that OP session. Nothing left to end is success (the logout is
 * idempotent). Returns the ids of the ended sessions.
 */
export async function endOpSessions({ prisma, issuer, sub, sid }: EndOpSessionsOptions): Promise<string[]> {
  return deleteSessionsForLogout(prisma, { issuer, sub, sid });
}
