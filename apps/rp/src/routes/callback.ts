import type { RequestHandler } from 'express';

import { noStore } from '../middleware/no-store.js';
import { currentSession, setSessionCookie } from '../middleware/session.js';
import { completeSignIn } from '../services/complete-sign-in.js';
import type { RouteDeps } from './deps.js';

/**
 * `GET /callback`: the OP's authorization response. Success replaces the session (new cookie)
 * and redirects to the `returnTo` chosen at `/login`; failures render the error page.
 */
export function callbackRoute({ config, prisma, oidc, logger }: RouteDeps): RequestHandler[] {
  return [
    noStore,
    async function finishSignIn(req, res) {
      const queryIndex = req.originalUrl.indexOf('?');
      const result = await completeSignIn({
        prisma,
        oidc,
        config,
        session: currentSession(res),
        search: queryIndex === -1 ? '' : req.originalUrl.slice(queryIndex),
        now: new Date(),
      });
      logger.info({ accountId: result.accountId, tenantId: result.tenantId }, 'signed in');
      setSessionCookie(res, config, result.cookieValue, result.maxAgeSeconds);
      res.redirect(303, result.returnTo);
    },
  ];
}
