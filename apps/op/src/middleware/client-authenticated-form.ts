import type { RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidRequest } from '../errors.js';
import { normaliseTokenForm, type TokenForm } from '../routes/token-form.js';
import { authenticateClient } from './authenticate-client.js';
import { assertionReplayGuard } from './client-assertion.js';

/**
 * The named steps every form endpoint with client authentication starts with (introspection,
 * revocation): [parseForm, checkForm, authenticate]. Authentication is the token endpoint's:
 * every method, one method per request, the assertion audience rule and the jti replay guard.
 * The form lands in `res.locals.form`, the client in `res.locals.client`.
 */
export function clientAuthenticatedForm(deps: AppDeps, endpoint: string): [RequestHandler, RequestHandler, RequestHandler] {
  const replay = assertionReplayGuard(deps.repos.clientAssertions);
  const parseForm: RequestHandler = (req, _res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      next(new InvalidRequest(`the ${endpoint} request must be application/x-www-form-urlencoded`));
      return;
    }
    next();
  };
  const checkForm: RequestHandler = (req, res, next) => {
    res.locals.form = normaliseTokenForm(req.body);
    next();
  };
  const authenticate: RequestHandler = async (req, res, next) => {
    res.locals.client = await authenticateClient(req.headers.authorization, res.locals.form as TokenForm, {
      clients: deps.repos.clients,
      clientKeys: deps.clientKeys,
      replay,
      issuer: deps.config.issuer,
      now: deps.now(),
    });
    next();
  };
  return [parseForm, checkForm, authenticate];
}
