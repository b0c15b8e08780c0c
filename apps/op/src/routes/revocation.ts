import express, { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidRequest, OAuthError } from '../errors.js';
import { authenticateClient } from '../middleware/authenticate-client.js';
import { assertionReplayGuard } from '../middleware/client-assertion.js';
import { publicCors } from '../middleware/cors.js';
import { jsonApiHeaders } from '../middleware/json-api-headers.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { readTokenTypeHint } from '../services/introspect-token.js';
import { revokeToken } from '../services/revoke-token.js';
import { normaliseTokenForm, type TokenForm } from './token-form.js';

/**
 * The revocation endpoint (RFC 7009): [cors, headers, parseForm, checkForm, authenticate, revoke].
 * Client authentication is the token endpoint's; a public client sends its `client_id` (§2.1).
 * Every valid request answers 200 with an empty body, whatever the token was (§2.2); CORS is
 * allowed for browser clients (§2.3).
 */
export function revocationRoute(deps: AppDeps): Router {
  const replay = assertionReplayGuard(deps.repos.clientAssertions);

  const parseForm: RequestHandler = (req, _res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      next(new InvalidRequest('the revocation request must be application/x-www-form-urlencoded'));
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
  const revoke: RequestHandler = async (_req, res) => {
    const form = res.locals.form as TokenForm;
    const caller = res.locals.client as ClientRecord;
    if (form.token === undefined) throw new InvalidRequest('token is required');
    const hint = readTokenTypeHint(form.token_type_hint);
    const outcome = await revokeToken(deps, caller, { token: form.token, ...(hint !== undefined && { hint }), now: deps.now() });
    deps.logger.debug({ clientId: caller.id, outcome }, 'revocation request');
    res.status(200).end();
  };
  const postOnly: RequestHandler = (_req, res, next) => {
    res.set('Allow', 'POST, OPTIONS');
    next(new OAuthError('invalid_request', 'the revocation endpoint accepts POST only', 405));
  };

  const router = Router();
  const headers = jsonApiHeaders({ hsts: deps.config.secureCookies });
  router.options('/revoke', publicCors);
  router.post('/revoke', publicCors, headers, express.urlencoded({ extended: false, limit: '20kb' }), parseForm, checkForm, authenticate, revoke);
  router.all('/revoke', publicCors, headers, postOnly);
  return router;
}
