import express, { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { OAuthError, InvalidRequest } from '../errors.js';
import { authenticateClient } from '../middleware/authenticate-client.js';
import { assertionReplayGuard } from '../middleware/client-assertion.js';
import { publicCors } from '../middleware/cors.js';
import { noStore } from '../middleware/no-store.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { passwordAttemptLimiter } from '../services/password-attempts.js';
import { checkGrantType } from './grants/check-grant-type.js';
import { grantHandlers, SUPPORTED_GRANT_TYPES, type GrantDeps } from './grants/index.js';
import { normaliseTokenForm, type TokenForm } from './token-form.js';

/**
 * The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3):
 * [noStore, parseForm, checkForm, authenticate, checkGrant, dispatchGrant]. Every response,
 * errors included, carries `Cache-Control: no-store` and `Pragma: no-cache`.
 */
export function tokenRoute(deps: AppDeps): Router {
  const router = Router();
  const grantDeps: GrantDeps = { ...deps, passwordAttempts: passwordAttemptLimiter() };
  const replay = assertionReplayGuard(deps.repos.clientAssertions);

  const parseForm: RequestHandler = (req, _res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      next(new InvalidRequest('the token request must be application/x-www-form-urlencoded'));
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
  const checkGrant: RequestHandler = (_req, res, next) => {
    const form = res.locals.form as TokenForm;
    res.locals.grantType = checkGrantType(form.grant_type, res.locals.client as ClientRecord, SUPPORTED_GRANT_TYPES);
    next();
  };
  const dispatchGrant: RequestHandler = async (_req, res) => {
    const handler = grantHandlers[res.locals.grantType as string]!;
    res.json(await handler(grantDeps, res.locals.client as ClientRecord, res.locals.form as TokenForm));
  };
  const postOnly: RequestHandler = (_req, res, next) => {
    res.set('Allow', 'POST, OPTIONS');
    next(new OAuthError('invalid_request', 'the token endpoint accepts POST only', 405));
  };

  router.options('/token', publicCors);
  router.post(
    '/token',
    publicCors,
    noStore,
    express.urlencoded({ extended: false, limit: '20kb' }),
    parseForm,
    checkForm,
    authenticate,
    checkGrant,
    dispatchGrant,
  );
  router.all('/token', noStore, postOnly);
  return router;
}
