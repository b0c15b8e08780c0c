import type { RequestHandler } from 'express';

import { noStore } from '../middleware/no-store.js';
import { currentSession, setSessionCookie } from '../middleware/session.js';
import { startSignIn } from '../services/start-sign-in.js';
import type { RouteDeps } from './deps.js';

/**
 * `GET /login[?returnTo=/path]`: starts the sign-in and redirects to the OP. An unreachable OP
 * answers with the 503 "identity provider unreachable" page.
 */
export function loginRoute({ config, prisma, oidc }: Pick<RouteDeps, 'config' | 'prisma' | 'oidc'>): RequestHandler[] {
  return [
    noStore,
    async function redirectToOp(req, res) {
      const { authorizationUrl, newSession } = await startSignIn({
        prisma,
        oidc,
        config,
        session: currentSession(res),
        returnTo: req.query['returnTo'],
        now: new Date(),
      });
      if (newSession) setSessionCookie(res, config, newSession.cookieValue, newSession.maxAgeSeconds);
      res.redirect(303, authorizationUrl.href);
    },
  ];
}
