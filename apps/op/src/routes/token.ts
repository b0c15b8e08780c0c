import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { OAuthError, basicChallenge, errorBody, toOAuthError } from '../errors.js';
import { authenticateClient } from '../middleware/authenticate-client.js';
import type { RawHandler } from '../middleware/before-express.js';
import { assertionReplayGuard } from '../middleware/client-assertion.js';
import { publicCors } from '../middleware/cors.js';
import { noStore } from '../middleware/no-store.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { passwordAttemptLimiter } from '../services/password-attempts.js';
import { checkGrantType } from './grants/check-grant-type.js';
import { grantHandlers, SUPPORTED_GRANT_TYPES, type GrantDeps } from './grants/index.js';
import { normaliseTokenForm, readTokenForm, type TokenForm } from './token-form.js';

export interface TokenEndpoint {
  /**
   * The Express routes of `/token`: POST (the same handler as {@link TokenEndpoint.answer}),
   * the CORS preflight, and 405 for every other method. Mount it before helmet and the
   * HTML routes: it sets its own headers.
   */
  router: Router;
  /**
   * `POST /token` on plain Node objects (see middleware/before-express.ts); false for any
   * other request.
   */
  answer: RawHandler;
}

/**
 * Paths Express routes to `/token`: its router matches case-insensitively, with an optional
 * trailing slash, whatever the query.
 */
function isTokenPath(url: string): boolean {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  return (path.length === 6 || (path.length === 7 && path.endsWith('/'))) && path.slice(0, 6).toLowerCase() === '/token';
}

/**
 * The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3):
 * [readForm, checkForm, authenticate, checkGrant, dispatchGrant], then the JSON answer.
 *
 * POST is answered on plain Node `req`/`res` (no Express helpers): it is the hot path of every
 * grant. Every response, errors included, carries the headers Express and helmet used to add
 * that matter for a JSON API: `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1),
 * `Access-Control-Allow-Origin: *` (never credentials), `X-Content-Type-Options: nosniff`, and
 * HSTS on an https issuer. No ETag: a `no-store` answer is never revalidated.
 */
export function tokenEndpoint(deps: AppDeps): TokenEndpoint {
  const grantDeps: GrantDeps = { ...deps, passwordAttempts: passwordAttemptLimiter() };
  const replay = assertionReplayGuard(deps.repos.clientAssertions);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
    // As helmet sends it for the rest of the app.
    ...(deps.config.secureCookies && { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }),
  };

  const checkForm = (body: Record<string, unknown>): TokenForm => normaliseTokenForm(body);
  const authenticate = (req: IncomingMessage, form: TokenForm): Promise<ClientRecord> =>
    authenticateClient(req.headers.authorization, form, {
      clients: deps.repos.clients,
      clientKeys: deps.clientKeys,
      replay,
      issuer: deps.config.issuer,
      now: deps.now(),
    });
  const checkGrant = (form: TokenForm, client: ClientRecord): string => checkGrantType(form.grant_type, client, SUPPORTED_GRANT_TYPES);
  const dispatchGrant = (grantType: string, client: ClientRecord, form: TokenForm) => grantHandlers[grantType]!(grantDeps, client, form);

  const send = (res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { ...headers, ...extra, 'Content-Length': String(Buffer.byteLength(json)) });
    res.end(json);
  };

  async function tokenRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const form = checkForm(await readTokenForm(req));
      const client = await authenticate(req, form);
      const grantType = checkGrant(form, client);
      send(res, 200, await dispatchGrant(grantType, client, form));
    } catch (raw) {
      const err = toOAuthError(raw, deps.logger, { method: 'POST', path: '/token' });
      if (res.headersSent) return;
      const challenge = basicChallenge(err, req.headers.authorization);
      send(res, err.status, errorBody(err), challenge === undefined ? undefined : { 'WWW-Authenticate': challenge });
    }
  }

  const post = (req: IncomingMessage, res: ServerResponse) => {
    tokenRequest(req, res).catch((err: unknown) => {
      deps.logger.error({ err, method: 'POST', path: '/token' }, 'could not answer');
      res.destroy();
    });
  };
  const answer: RawHandler = (req, res) => {
    if (req.method !== 'POST' || req.url === undefined || !isTokenPath(req.url)) return false;
    post(req, res);
    return true;
  };

  const postOnly: RequestHandler = (_req, res, next) => {
    res.set('Allow', 'POST, OPTIONS');
    res.set('X-Content-Type-Options', 'nosniff');
    next(new OAuthError('invalid_request', 'the token endpoint accepts POST only', 405));
  };
  const router = Router();
  router.options('/token', publicCors);
  router.post('/token', (req, res) => post(req, res));
  router.all('/token', noStore, postOnly);
  return { router, answer };
}
