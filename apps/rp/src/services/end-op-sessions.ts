import type { Db } from '../repositories/db.js';
import { deleteSessionsForLogout } from '../repositories/session-logout-repository.js';

export interface EndOpSessionsOptions {
  /** The Prisma client, or a transaction. */
  db: Db;
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
export async function endOpSessions({ db, issuer, sub, sid }: EndOpSessionsOptions): Promise<string[]> {
  return deleteSessionsForLogout(db, { issuer, sub, sid });
}
