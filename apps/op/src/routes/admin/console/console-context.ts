import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../../app.js';
import { RenderedError } from '../../../errors.js';
import type { ConsoleSession, ConsoleSessions } from './console-session.js';

export interface ConsoleContext {
  deps: AppDeps;
  sessions: ConsoleSessions;
}

/** The signed-in session of a request that passed {@link requireSession}. */
export function sessionOf(res: Response): ConsoleSession {
  return res.locals['consoleSession'] as ConsoleSession;
}

/** This response's CSP nonce (see {@link consoleHeaders}). */
export function nonceOf(res: Response): string {
  return res.locals['cspNonce'] as string;
}

/**
 * Every console response: never cached, not framable, and a CSP that runs only the page's own
 * nonce'd script, fetches only from the OP itself and posts forms only to it.
 */
export const consoleHeaders: RequestHandler = (_req, res, next) => {
  const nonce = randomBytes(16).toString('base64url');
  res.locals['cspNonce'] = nonce;
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  res.set('X-Frame-Options', 'DENY');
  res.set(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      "style-src 'unsafe-inline'",
      "connect-src 'self'",
      "img-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  );
  next();
};

const wantsJson = (req: Request) => req.path.endsWith('.json');

/**
 * Only for a signed-in operator: pages send others to the sign-in form, JSON views answer 401;
 * every POST must also carry the session's CSRF token (403 otherwise).
 */
export function requireSession(sessions: ConsoleSessions): RequestHandler {
  return (req, res, next) => {
    const session = sessions.read(req);
    if (session === undefined) {
      if (wantsJson(req)) {
        res.status(401).json({ error: 'invalid_token', error_description: 'sign in to the admin console' });
        return;
      }
      res.redirect(303, '/admin/console/sign-in');
      return;
    }
    if (req.method === 'POST' && !sessions.csrfMatches(session, (req.body as Record<string, unknown> | undefined)?.['csrf'])) {
      throw new RenderedError('invalid_request', 'the form could not be verified (CSRF check failed); reload the page and try again', 403);
    }
    res.locals['consoleSession'] = session;
    next();
  };
}
