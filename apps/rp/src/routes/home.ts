import type { RequestHandler } from 'express';

import { currentSession } from '../middleware/session.js';
import { getAccountOverview } from '../services/get-account-overview.js';
import { homePage } from '../views/home-page.js';
import type { RouteDeps } from './deps.js';

/** `GET /`: a Sign in button, or who you are signed in as. */
export function homeRoute({ prisma }: Pick<RouteDeps, 'prisma'>): RequestHandler[] {
  return [
    async function renderHome(_req, res) {
      const session = currentSession(res);
      const overview = await getAccountOverview({ prisma, session });
      res.set('Cache-Control', 'no-store');
      res.type('html').send(
        homePage({
          signedIn:
            overview && session
              ? {
                  label: overview.account.email ?? overview.account.name ?? overview.account.sub,
                  tenantName: overview.tenant.name,
                  csrfToken: session.csrfToken,
                }
              : undefined,
        }),
      );
    },
  ];
}
