import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { timingSafeEqualString } from '@oidc-ref/crypto';
import { readCookie } from '../../../middleware/cookies.js';

/** The console's session cookie: HttpOnly, SameSite=Strict, scoped to the console's path. */
export const CONSOLE_COOKIE = 'op_admin_console';
export const CONSOLE_PATH = '/admin/console';
/** How long a console sign-in lasts. */
export const CONSOLE_SESSION_SECONDS = 8 * 60 * 60;

export interface ConsoleSession {
  /** The session's random id: the CSRF token is derived from it. */
  id: string;
  csrf: string;
}

export interface ConsoleSessions {
  /** Whether `candidate` is the admin token (constant time). */
  isAdminToken(candidate: string): boolean;
  /** Starts a session: sets the cookie and returns it. */
  start(res: Response): ConsoleSession;
  /** The request's session, if its cookie is genuine and not expired. */
  read(req: Request): ConsoleSession | undefined;
  end(res: Response): void;
  /** Whether the form's `csrf` field belongs to this session (constant time). */
  csrfMatches(session: ConsoleSession, candidate: unknown): boolean;
}

/**
 * Stateless console sessions: the cookie is `<issued-at>.<random id>.<HMAC>` under a key derived
 * from `OP_ADMIN_TOKEN`, so any OP process can check it and rotating the admin token ends every
 * console session. The CSRF token of a session is another HMAC of its id (a per-session
 * synchroniser token that needs no storage).
 */
export function consoleSessions(options: { adminToken: string; secure: boolean; now: () => Date }): ConsoleSessions {
  const key = createHmac('sha256', options.adminToken).update('oidc-ref admin console session key v1').digest();
  const mac = (purpose: string, value: string) => createHmac('sha256', key).update(`${purpose}|${value}`).digest('base64url');
  const session = (id: string): ConsoleSession => ({ id, csrf: mac('csrf', id) });
  const nowSeconds = () => Math.floor(options.now().getTime() / 1000);

  return {
    isAdminToken: (candidate) => timingSafeEqualString(candidate, options.adminToken),
    start(res) {
      const id = randomBytes(18).toString('base64url');
      const payload = `${nowSeconds()}.${id}`;
      res.cookie(CONSOLE_COOKIE, `${payload}.${mac('session', payload)}`, {
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secure,
        path: CONSOLE_PATH,
        maxAge: CONSOLE_SESSION_SECONDS * 1000,
      });
      return session(id);
    },
    read(req) {
      const value = readCookie(req, CONSOLE_COOKIE);
      const match = value === undefined ? null : /^(\d{1,12})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (!match) return undefined;
      const [, issuedAt, id, signature] = match as unknown as [string, string, string, string];
      if (!timingSafeEqualString(signature, mac('session', `${issuedAt}.${id}`))) return undefined;
      const age = nowSeconds() - Number(issuedAt);
      if (age < -60 || age > CONSOLE_SESSION_SECONDS) return undefined;
      return session(id);
    },
    end(res) {
      res.clearCookie(CONSOLE_COOKIE, { httpOnly: true, sameSite: 'strict', secure: options.secure, path: CONSOLE_PATH });
    },
    csrfMatches: (current, candidate) => typeof candidate === 'string' && timingSafeEqualString(candidate, current.csrf),
  };
}
