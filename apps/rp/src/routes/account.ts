import type { RequestHandler } from 'express';

import { noStore } from '../middleware/no-store.js';
import { currentSession } from '../middleware/session.js';
import { getAccountOverview, type AccountOverview } from '../services/get-account-overview.js';
import { accountPage } from '../views/account-page.js';
import type { RouteDeps } from './deps.js';

const OVERVIEW_LOCAL = 'accountOverview';

/** `GET /account`: the signed-in account, its tenant and ID token claims; else back to `/`. */
export function accountRoute({ prisma }: Pick<RouteDeps, 'prisma'>): RequestHandler[] {
  return [
    noStore,
    async function requireSignedIn(_req, res, next) {
      const overview = await getAccountOverview({ prisma, session: currentSession(res) });
      if (!overview) {
        res.redirect(303, '/');
        return;
      }
      res.locals[OVERVIEW_LOCAL] = overview;
      next();
    },
    function renderAccount(_req, res) {
      const overview = res.locals[OVERVIEW_LOCAL] as AccountOverview;
      const session = currentSession(res);
      res.type('html').send(accountPage({ ...overview, csrfToken: session?.csrfToken ?? '' }));
    },
  ];
}
