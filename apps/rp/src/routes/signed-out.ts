import type { RequestHandler } from 'express';

import { timingSafeEqualString } from '../lib/tokens.js';
import { clearLogoutStateCookie, readLogoutStateCookie } from '../middleware/logout-state-cookie.js';
import { noStore } from '../middleware/no-store.js';
import { signedOutPage } from '../views/signed-out-page.js';
import type { RouteDeps } from './deps.js';

/**
 * `GET /signed-out?state=…`: the `post_logout_redirect_uri` of "Sign out everywhere". The
 * `state` must equal the one this browser stored (`rp_logout_state` cookie) when it left for the
 * OP: then 200 "You are signed out"; otherwise 400 with a clear "could not be confirmed". The
 * state is single-use: the cookie is cleared either way.
 */
export function signedOutRoute({ config }: Pick<RouteDeps, 'config'>): RequestHandler[] {
  return [
    noStore,
    function signedOut(req, res) {
      const expected = readLogoutStateCookie(req);
      const values = new URL(req.originalUrl, 'http://rp.invalid').searchParams.getAll('state');
      const received = values.length === 1 ? values[0] : undefined;
      const confirmed = expected !== undefined && expected !== '' && received !== undefined && timingSafeEqualString(received, expected);
      clearLogoutStateCookie(res, config);
      res.status(confirmed ? 200 : 400).type('html').send(signedOutPage({ outcome: confirmed ? 'everywhere' : 'state_mismatch' }));
    },
  ];
}
