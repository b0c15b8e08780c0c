import type { Request, RequestHandler, Response } from 'express';

import { parseInsufficientUserAuthentication } from '@oidc-ref/rp-kit';
import type { InsufficientAuthentication } from '@oidc-ref/rp-kit/express';

import { AppError } from '../errors.js';
import { noStore } from '../middleware/no-store.js';
import { loadSensitiveAction, requireStepUp, sensitiveActionContext } from '../middleware/sensitive-action.js';
import { currentSession } from '../middleware/session.js';
import { exportAccountData } from '../services/export-account-data.js';
import { startStepUp } from '../services/start-step-up.js';
import { accountExportPage } from '../views/account-export-page.js';
import type { RouteDeps } from './deps.js';

/** The page of the "export account data" action, where a successful step-up returns to. */
export const ACCOUNT_EXPORT_PATH = '/account/export';

/**
 * `GET /account/export[?prompt=login]`: the "Export my data" page. Without a session: 303 to `/`.
 * When the session's authentication does not meet the tenant's requirement, it handles the RFC
 * 9470 challenge the JSON API would send by stepping up: it parses the challenge and redirects
 * to the OP with its `acr_values` and `max_age`, the session's ID token as `id_token_hint`,
 * and `prompt=login` when asked to (the retry after a stale `auth_time`). The callback returns
 * here; the check then passes and the page shows the export.
 */
export function accountExportRoute(deps: Pick<RouteDeps, 'config' | 'prisma' | 'oidc' | 'ranking'>): RequestHandler[] {
  const { config, prisma, oidc, ranking } = deps;
  async function stepUp(challenge: InsufficientAuthentication, req: Request, res: Response): Promise<void> {
    const parsed = parseInsufficientUserAuthentication(challenge.wwwAuthenticate);
    const session = currentSession(res);
    if (!parsed || !session) throw new AppError('server_error', { detail: 'step-up challenge could not be handled' });
    const { authorizationUrl } = await startStepUp({
      prisma,
      oidc,
      config,
      ranking,
      session,
      action: sensitiveActionContext(res).action,
      challenge: parsed,
      returnTo: ACCOUNT_EXPORT_PATH,
      forceLogin: req.query['prompt'] === 'login',
      now: new Date(),
    });
    res.redirect(303, authorizationUrl.href);
  }
  return [
    noStore,
    loadSensitiveAction(deps, { action: 'export_account_data', whenSignedOut: 'redirect' }),
    requireStepUp(deps, stepUp),
    async function renderExport(_req, res) {
      const { overview, authentication } = sensitiveActionContext(res);
      const data = await exportAccountData({ prisma, overview, now: new Date() });
      res.type('html').send(accountExportPage({ data, authentication }));
    },
  ];
}
