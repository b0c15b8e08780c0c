import express, { type RequestHandler } from 'express';

import { setLogoutStateCookie } from '../middleware/logout-state-cookie.js';
import { clearSessionCookie, currentSession } from '../middleware/session.js';
import { buildOpLogoutUrl } from '../services/build-op-logout-url.js';
import { signOut } from '../services/sign-out.js';
import { signedOutPage } from '../views/signed-out-page.js';
import type { RouteDeps } from './deps.js';

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

/**
 * `POST /logout` (form field `csrf`): local sign-out. Without a session there is nothing to
 * do; a missing or wrong CSRF token is refused with 403 and the session is kept.
 *
 * With `everywhere=1` ("Sign out everywhere", RP-Initiated Logout 1.0): the local session ends
 * first, then a 303 to the OP's `end_session_endpoint` with `id_token_hint` (the session's ID
 * token), `post_logout_redirect_uri` = `${RP_BASE_URL}/signed-out`, `state` (also kept in the
 * `rp_logout_state` cookie for `/signed-out` to check) and `client_id`. When the OP cannot be
 * asked, the user is told they are signed out of this app only.
 */
export function logoutRoute({ config, prisma, oidc, logger }: Pick<RouteDeps, 'config' | 'prisma' | 'oidc' | 'logger'>): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 }),
    async function endSession(req, res) {
      const session = currentSession(res);
      const body: unknown = req.body;
      if (session) await signOut({ prisma, session, csrf: field(body, 'csrf') });
      clearSessionCookie(res, config);
      if (!session?.idToken || field(body, 'everywhere') !== '1') {
        res.redirect(303, '/');
        return;
      }
      res.set('Cache-Control', 'no-store');
      let target: { url: string; state: string };
      try {
        target = await buildOpLogoutUrl({ oidc, config, idToken: session.idToken });
      } catch (error) {
        logger.warn({ err: error }, 'sign out everywhere: the OP could not be asked; signed out locally only');
        res.status(200).type('html').send(signedOutPage({ outcome: 'local_only' }));
        return;
      }
      setLogoutStateCookie(res, config, target.state);
      res.redirect(303, target.url);
    },
  ];
}
