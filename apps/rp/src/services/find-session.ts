import type { PrismaClient } from '../db/client.js';
import { isTokenShaped, sha256Base64Url } from '../lib/tokens.js';
import { findActiveSession, type SessionRecord } from '../repositories/session-repository.js';

export interface FindSessionOptions {
  prisma: PrismaClient;
  /** The `rp_session` cookie value, if the browser sent one. */
  cookieValue: string | undefined;
  now: Date;
}

/** The live session behind a cookie value (looked up by its SHA-256), or `null`. */
export async function findSession({ prisma, cookieValue, now }: FindSessionOptions): Promise<SessionRecord | null> {
  if (!cookieValue || !isTokenShaped(cookieValue)) return null;
  return findActiveSession(prisma, { id: sha256Base64Url(cookieValue), now });
}
