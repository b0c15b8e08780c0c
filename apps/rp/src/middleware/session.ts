import type { RequestHandler, Response } from 'express';

import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { parseCookieHeader } from '../lib/cookies.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { findSession } from '../services/find-session.js';

/** App-specific name: the OP runs on the same host in the demo and browsers share cookies by host. */
export const SESSION_COOKIE = 'rp_session';

const SESSION_LOCAL = 'rpSession';

/** Loads the session named by the `rp_session` cookie into `res.locals` (or `null`). */
export function loadSession({ prisma }: { prisma: PrismaClient }): RequestHandler {
  return async function loadSessionStep(req, res, next) {
    const cookieValue = parseCookieHeader(req.headers.cookie)[SESSION_COOKIE];
    res.locals[SESSION_LOCAL] = await findSession({ prisma, cookieValue, now: new Date() });
    next();
  };
}

/** The session {@link loadSession} found, or `null`. */
export function currentSession(res: Response): SessionRecord | null {
  return (res.locals[SESSION_LOCAL] as SessionRecord | null | undefined) ?? null;
}

type CookieConfig = Pick<RpConfig, 'secureCookies'>;

function cookieOptions(config: CookieConfig) {
  return { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' } as const;
}

/** `rp_session`: HttpOnly, SameSite=Lax, Path=/, Secure when the RP is served over https. */
export function setSessionCookie(res: Response, config: CookieConfig, value: string, maxAgeSeconds: number): void {
  res.cookie(SESSION_COOKIE, value, { ...cookieOptions(config), maxAge: maxAgeSeconds * 1000 });
}

export function clearSessionCookie(res: Response, config: CookieConfig): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(config));
}
