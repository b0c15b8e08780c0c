import express, { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidRequest, OAuthError } from '../errors.js';
import { clientAuthenticatedForm } from '../middleware/client-authenticated-form.js';
import { publicCors } from '../middleware/cors.js';
import { jsonApiHeaders } from '../middleware/json-api-headers.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { readTokenTypeHint } from '../services/introspect-token.js';
import { revokeToken } from '../services/revoke-token.js';
import type { TokenForm } from './token-form.js';

/**
 * The revocation endpoint (RFC 7009): [cors, headers, parseForm, checkForm, authenticate, revoke].
 * Client authentication is the token endpoint's; a public client sends its `client_id` (§2.1).
 * Every valid request answers 200 with an empty body, whatever the token was (§2.2); CORS is
 * allowed for browser clients (§2.3).
 */
export function revocationRoute(deps: AppDeps): Router {
  const [parseForm, checkForm, authenticate] = clientAuthenticatedForm(deps, 'revocation');
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
