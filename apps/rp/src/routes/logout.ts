import express, { type RequestHandler } from 'express';

import { clearSessionCookie, currentSession } from '../middleware/session.js';
import { signOut } from '../services/sign-out.js';
import type { RouteDeps } from './deps.js';

/**
 * `POST /logout` (form field `csrf`): local sign-out. Without a session there is nothing to
 * do; a missing or wrong CSRF token is refused with 403 and the session is kept.
 */
export function logoutRoute({ config, prisma }: Pick<RouteDeps, 'config' | 'prisma'>): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }),
    async function endSession(req, res) {
      const session = currentSession(res);
      if (session) {
        const body: unknown = req.body;
        const csrf = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['csrf'] : undefined;
        await signOut({ prisma, session, csrf });
      }
      clearSessionCookie(res, config);
      res.redirect(303, '/');
    },
  ];
}
