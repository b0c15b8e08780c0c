import express, { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidRequest, OAuthError } from '../errors.js';
import { clientAuthenticatedForm } from '../middleware/client-authenticated-form.js';
import { jsonApiHeaders } from '../middleware/json-api-headers.js';
import { authenticationFailed } from '../middleware/read-client-credentials.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import {
  INTROSPECTION_JWT_MEDIA_TYPE,
  introspectionJwt,
  introspectToken,
  mayIntrospect,
  readTokenTypeHint,
} from '../services/introspect-token.js';
import type { TokenForm } from './token-form.js';

/**
 * The introspection endpoint (RFC 7662, with RFC 9701 JWT responses):
 * [headers, parseForm, checkForm, authenticate, checkCaller, negotiate, introspect].
 * Client authentication is the token endpoint's (every method, the same one-method rule,
 * assertion audience and replay guard); only confidential clients may call it. No CORS: it is
 * for servers.
 */
export function introspectionRoute(deps: AppDeps): Router {
  const [parseForm, checkForm, authenticate] = clientAuthenticatedForm(deps, 'introspection');
  const checkCaller: RequestHandler = (_req, res, next) => {
    const client = res.locals.client as ClientRecord;
    if (!mayIntrospect(client)) throw authenticationFailed('public clients may not introspect', client.id);
    next();
  };
  /**
   * RFC 9701 §4: a JWT answer for `Accept: application/token-introspection+jwt` (preferred over
   * JSON by the client's q-values); plain JSON otherwise. A client registered for encrypted
   * responses must ask for the JWT: it never gets its answer in plaintext.
   */
  const negotiate: RequestHandler = (req, res, next) => {
    const client = res.locals.client as ClientRecord;
    const wantsJwt = req.accepts(['application/json', INTROSPECTION_JWT_MEDIA_TYPE]) === INTROSPECTION_JWT_MEDIA_TYPE;
    if (!wantsJwt && client.metadata.introspection_encrypted_response_alg !== undefined) {
      throw new InvalidRequest(`this client must ask for ${INTROSPECTION_JWT_MEDIA_TYPE} (it registered encrypted introspection responses)`);
    }
    res.locals.jwt = wantsJwt;
    next();
  };
  const introspect: RequestHandler = async (_req, res) => {
    const form = res.locals.form as TokenForm;
    const caller = res.locals.client as ClientRecord;
    const token = form.token;
    if (token === undefined) throw new InvalidRequest('token is required');
    const now = deps.now();
    const hint = readTokenTypeHint(form.token_type_hint);
    const answer = await introspectToken(deps, caller, { token, ...(hint !== undefined && { hint }), now });
    if (res.locals.jwt === true) {
      res.type(INTROSPECTION_JWT_MEDIA_TYPE).send(await introspectionJwt(deps, caller, answer, now));
    } else {
      res.json(answer);
    }
  };
  const postOnly: RequestHandler = (_req, res, next) => {
    res.set('Allow', 'POST');
    next(new OAuthError('invalid_request', 'the introspection endpoint accepts POST only', 405));
  };

  const router = Router();
  const headers = jsonApiHeaders({ hsts: deps.config.secureCookies });
  router.post(
    '/introspect',
    headers,
    express.urlencoded({ extended: false, limit: '20kb' }),
    parseForm,
    checkForm,
    authenticate,
    checkCaller,
    negotiate,
    introspect,
  );
  router.all('/introspect', headers, postOnly);
  return router;
}
