import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { timingSafeEqualString } from '../lib/tokens.js';
import { deleteSession, type SessionRecord } from '../repositories/session-repository.js';

export interface SignOutOptions {
  prisma: PrismaClient;
  session: SessionRecord;
  /** The form's `csrf` field; untrusted. */
  csrf: unknown;
}

/**
 * Local sign-out: checks the form's CSRF token against the session's in constant time
 * (`invalid_csrf` otherwise, and the session is kept), then deletes the session row.
 */
export async function signOut({ prisma, session, csrf }: SignOutOptions): Promise<void> {
  if (typeof csrf !== 'string' || !timingSafeEqualString(csrf, session.csrfToken)) {
    throw new AppError('invalid_csrf', { detail: 'logout with a missing or wrong csrf token' });
  }
  await deleteSession(prisma, { id: session.id });
}
