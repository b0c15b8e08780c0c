import type { ErrorRequestHandler, RequestHandler } from 'express';

import { AppError } from '../errors.js';
import { noStore } from '../middleware/no-store.js';
import { clearSessionCookie, currentSession, setSessionCookie } from '../middleware/session.js';
import { completeSignIn } from '../services/complete-sign-in.js';
import type { RouteDeps } from './deps.js';

/**
 * `GET /callback`: the OP's authorization response. Success replaces the session (new cookie)
 * and redirects to the `returnTo` chosen at `/login` (or by the step-up); failures render the
 * error page. A step-up that came back for another user has ended the session: its cookie is
 * cleared too.
 */
export function callbackRoute({ config, prisma, oidc, logger, ranking }: RouteDeps): Array<RequestHandler | ErrorRequestHandler> {
  const finishSignIn: RequestHandler = async function finishSignIn(req, res) {
    const queryIndex = req.originalUrl.indexOf('?');
    const result = await completeSignIn({
      prisma,
      oidc,
      config,
      ranking,
      session: currentSession(res),
      search: queryIndex === -1 ? '' : req.originalUrl.slice(queryIndex),
      now: new Date(),
    });
    if (result.stepUp) {
      logger.info({ accountId: result.accountId, tenantId: result.tenantId, stepUp: result.stepUp }, 'stepped up');
    } else {
      logger.info({ accountId: result.accountId, tenantId: result.tenantId }, 'signed in');
    }
    setSessionCookie(res, config, result.cookieValue, result.maxAgeSeconds);
    res.redirect(303, result.returnTo);
  };
  const clearEndedSession: ErrorRequestHandler = function clearEndedSession(error, _req, res, next) {
    if (error instanceof AppError && error.code === 'step_up_wrong_user') clearSessionCookie(res, config);
    next(error);
  };
  return [noStore, finishSignIn, clearEndedSession];
}
