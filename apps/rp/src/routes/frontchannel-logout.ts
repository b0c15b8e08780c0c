import type { Request, RequestHandler } from 'express';

import { clearSessionCookie, currentSession } from '../middleware/session.js';
import { endOpSessions } from '../services/end-op-sessions.js';
import { frontchannelLogoutPage } from '../views/frontchannel-logout-page.js';
import type { RouteDeps } from './deps.js';

const single = (req: Request, name: string): string | undefined => {
  const value: unknown = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * `GET /frontchannel-logout?iss=…&sid=…` (OIDC Front-Channel Logout 1.0 §2), loaded by the OP in
 * an iframe of its logout page. `iss` must be `RP_OIDC_ISSUER` exactly and `sid` present (the
 * client registers `frontchannel_logout_session_required: true`); then every session signed in
 * through that OP session ends (none left is success, 200), and this browser's cookie is cleared
 * when its session was one of them. Without both, or for another issuer, nothing ends (400): a
 * bare GET must not be able to sign anyone out. The page may be framed by the OP's origin only
 * (`frame-ancestors`) and is never cached.
 */
export function frontchannelLogoutRoute({ config, prisma, logger }: Pick<RouteDeps, 'config' | 'prisma' | 'logger'>): RequestHandler[] {
  const opOrigin = new URL(config.issuer).origin;
  const csp = `default-src 'none'; frame-ancestors ${opOrigin}; base-uri 'none'; form-action 'none'`;
  return [
    async function frontchannelLogout(req, res) {
      res.set('Cache-Control', 'no-store');
      res.set('Content-Security-Policy', csp);
      res.removeHeader('X-Frame-Options');
      const iss = single(req, 'iss');
      const sid = single(req, 'sid');
      if (iss === undefined || sid === undefined || iss !== config.issuer) {
        logger.warn({ hasIss: iss !== undefined, hasSid: sid !== undefined }, 'front-channel logout ignored: iss or sid missing or not ours');
        res.status(400).type('html').send(frontchannelLogoutPage({ ended: false }));
        return;
      }
      const ended = await endOpSessions({ db: prisma, issuer: iss, sid });
      const session = currentSession(res);
      if (session && ended.includes(session.id)) clearSessionCookie(res, config);
      logger.info({ ended: ended.length }, 'front-channel logout'); // never the sid: it is enough to end the session
      res.status(200).type('html').send(frontchannelLogoutPage({ ended: ended.length > 0 }));
    },
  ];
}
