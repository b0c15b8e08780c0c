import { Router, type Request, type RequestHandler, type Response } from 'express';
import { randomToken, sha256Base64Url, timingSafeEqualString } from '@oidc-ref/crypto';
import type { AppDeps } from '../app.js';
import { RenderedError } from '../errors.js';
import { clearCookie, readCookie } from '../middleware/cookies.js';
import { noStore } from '../middleware/no-store.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { formActionSource } from '../services/authorization-response.js';
import { SESSION_COOKIE } from '../services/browser-session.js';
import { EndSessionError, readEndSessionParams, validateEndSessionRequest, type EndSessionRequest } from '../services/logout/end-session-request.js';
import { awaitFirstAttempts } from '../services/logout/await-first-attempts.js';
import { endSessions } from '../services/logout/end-sessions.js';
import { frontchannelLogoutUrl, postLogoutRedirectUrl } from '../services/logout/front-channel.js';
import { confirmLogoutPage, loggedOutPage, stillSignedInPage } from '../views/logout-pages.js';

/** How long the signed-out page waits for front-channel iframes before continuing. */
export const FRONTCHANNEL_TIMEOUT_MS = 3000;

/** The CSRF token of the confirmation form: derived from the (HttpOnly) session cookie, so only that browser has it. */
function confirmationCsrf(req: Request): string | undefined {
  const cookie = readCookie(req, SESSION_COOKIE);
  return cookie === undefined ? undefined : sha256Base64Url(`end_session:${cookie}`);
}

function pageSecurity(res: Response, options: { formTarget?: string; frames?: string[]; nonce?: string } = {}): void {
  const frameOrigins = [...new Set((options.frames ?? []).map((src) => formActionSource(src)))];
  res.set(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      "img-src 'self'",
      ...(options.nonce === undefined ? [] : [`script-src 'nonce-${options.nonce}'`]),
      ...(frameOrigins.length === 0 ? [] : [`frame-src ${frameOrigins.join(' ')}`]),
      `form-action 'self'${options.formTarget === undefined ? '' : ` ${formActionSource(options.formTarget)}`}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  );
  res.set('X-Frame-Options', 'DENY');
}

/**
 * The end of a logout: the front-channel iframes of every client that took part (with `iss` and
 * `sid` for those that require them), then the post-logout redirect (303 when no iframe is
 * needed), or an OP "signed out" page when there is no valid redirect.
 */
function signedOut(res: Response, frames: string[], redirect: EndSessionRequest['redirect']): void {
  const continueTo = redirect === undefined ? undefined : postLogoutRedirectUrl(redirect.uri, redirect.state);
  if (frames.length === 0 && continueTo !== undefined) {
    res.redirect(303, continueTo);
    return;
  }
  const nonce = randomToken(16);
  pageSecurity(res, { frames, nonce });
  res.status(200).type('html').send(loggedOutPage({ frames, ...(continueTo !== undefined && { continueTo }), nonce, frameTimeoutMs: FRONTCHANNEL_TIMEOUT_MS }));
}

/**
 * RP-Initiated Logout 1.0 (`GET`/`POST /session/end`, published as `end_session_endpoint`) and
 * its confirmation (`POST /session/end/confirm`). See docs/logout.md.
 *
 * - A request is validated first (services/logout/end-session-request.ts); an invalid one is an
 *   OP error page, never a redirect, and changes nothing.
 * - Without an OP session there is nothing to end: straight to the post-logout redirect, or the
 *   signed-out page (logout is idempotent, §4).
 * - With a valid id_token_hint for the session's user (and, if it has one, the session's `sid`;
 *   and a `logout_hint`, if any, naming that user) the session ends at once. Otherwise the user
 *   is asked first (CSRF-protected POST).
 * - Ending a session notifies every client that took part: back-channel through the outbox,
 *   front-channel through iframes on the signed-out page, before the redirect.
 */
export function endSessionRoutes(deps: AppDeps): Router {
  const router = Router();
  const validate = (source: unknown) =>
    validateEndSessionRequest(source, {
      clients: deps.repos.clients,
      keys: deps.keys.current(),
      issuer: deps.config.issuer,
      ...(deps.encryptionKeys && { decryptHint: (jwe: string) => deps.encryptionKeys!.decrypt(jwe) }),
    });

  async function logOut(res: Response, session: SessionRecord, redirect: EndSessionRequest['redirect']): Promise<void> {
    const { ended, deliveryIds } = await endSessions(
      { sessionId: session.id },
      { logout: deps.repos.logout, clients: deps.repos.clients, now: deps.now(), onEnqueued: () => deps.onCommandEnqueued?.() },
    );
    clearCookie(res, SESSION_COOKIE, { secure: deps.config.secureCookies });
    const frames = ended.flatMap((s) =>
      s.clients.map((client) => frontchannelLogoutUrl(client, deps.config.issuer, s.sessionId)).filter((url): url is string => url !== undefined),
    );
    deps.logger.info({ clients: ended.flatMap((s) => s.clientIds), backchannel: deliveryIds.length, frontchannel: frames.length }, 'OP session ended (end_session)');
    // Notify, then redirect: give this process's worker (woken by the enqueue) a moment.
    if (deps.onCommandEnqueued !== undefined) {
      await awaitFirstAttempts(deps.repos.logout, deliveryIds, { timeoutMs: deps.config.logout.redirectWaitMs });
    }
    signedOut(res, frames, redirect);
  }

  /** Whether the request names the session's user beyond doubt (else the user must confirm). */
  async function trusted(request: EndSessionRequest, session: SessionRecord): Promise<boolean> {
    if (request.hint === undefined || request.hint.sub !== session.userId) return false;
    if (request.hint.sid !== undefined && request.hint.sid !== session.id) return false;
    if (request.logoutHint === undefined) return true;
    const user = await deps.repos.users.findById(session.userId);
    const hint = request.logoutHint.toLowerCase();
    return user !== null && (hint === user.id.toLowerCase() || hint === user.email.toLowerCase());
  }

  const endSession: RequestHandler = async (req, res) => {
    const source: unknown = req.method === 'GET' ? req.query : req.body;
    const request = await validate(source);
    if (req.method === 'POST' && readCookie(req, SESSION_COOKIE) === undefined) {
      // A cross-site form POST carries no SameSite=Lax cookie: the same request as a top-level
      // GET does. Only the logout parameters are carried over.
      const params = new URLSearchParams(Object.entries(readEndSessionParams(source)) as [string, string][]);
      res.redirect(303, `/session/end?${params.toString()}`);
      return;
    }
    const session = await deps.sessions.current(req, deps.now());
    if (!session) {
      clearCookie(res, SESSION_COOKIE, { secure: deps.config.secureCookies });
      signedOut(res, [], request.redirect);
      return;
    }
    if (await trusted(request, session)) {
      await logOut(res, session, request.redirect);
      return;
    }
    const user = await deps.repos.users.findById(session.userId);
    pageSecurity(res, { ...(request.redirect && { formTarget: request.redirect.uri }) });
    res.status(200).type('html').send(
      confirmLogoutPage({
        csrfToken: confirmationCsrf(req) ?? '',
        userEmail: user?.email ?? 'an unknown account',
        ...(request.client && { clientName: request.client.name, clientId: request.client.id }),
        ...(request.redirect && { postLogoutRedirectUri: request.redirect.uri }),
        ...(request.redirect?.state !== undefined && { state: request.redirect.state }),
      }),
    );
  };

  const confirm: RequestHandler = async (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    // Only what the confirmation form carries, checked again exactly as on the way in.
    const params = readEndSessionParams({ client_id: body.client_id, post_logout_redirect_uri: body.post_logout_redirect_uri, state: body.state });
    const request = await validate(params);
    const decision = body.decision;
    if (decision !== 'logout' && decision !== 'stay') throw new EndSessionError('decision must be logout or stay');
    const session = await deps.sessions.current(req, deps.now());
    if (!session) {
      // Already signed out (another tab, expiry): nothing to end, nothing to protect.
      signedOut(res, [], request.redirect);
      return;
    }
    const expected = confirmationCsrf(req);
    if (typeof body.csrf !== 'string' || expected === undefined || !timingSafeEqualString(body.csrf, expected)) {
      throw new RenderedError('invalid_request', 'the form could not be verified (CSRF check failed); sign out again from the application', 403);
    }
    if (decision === 'stay') {
      if (request.redirect) {
        res.redirect(303, postLogoutRedirectUrl(request.redirect.uri, request.redirect.state));
        return;
      }
      pageSecurity(res);
      res.status(200).type('html').send(stillSignedInPage());
      return;
    }
    await logOut(res, session, request.redirect);
  };

  router.get('/session/end', noStore, endSession);
  router.post('/session/end', noStore, endSession);
  router.post('/session/end/confirm', noStore, confirm);
  return router;
}
