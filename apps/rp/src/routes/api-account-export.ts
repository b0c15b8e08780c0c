import type { RequestHandler } from 'express';

import { noStore } from '../middleware/no-store.js';
import { loadSensitiveAction, requireStepUp, sensitiveActionContext } from '../middleware/sensitive-action.js';
import { exportAccountData } from '../services/export-account-data.js';
import type { RouteDeps } from './deps.js';

/**
 * `GET /api/account/export`: the account export as JSON, for the session cookie's user.
 * No signed-in session: `401 {"error":"unauthenticated"}`. An authentication weaker or older
 * than the tenant's requirement: the RFC 9470 challenge, `401` with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="…", max_age="…"`
 * and `{ error: 'insufficient_user_authentication', error_description }`. Otherwise `200`.
 */
export function apiAccountExportRoute(deps: Pick<RouteDeps, 'config' | 'prisma' | 'ranking'>): RequestHandler[] {
  return [
    noStore,
    loadSensitiveAction(deps, { action: 'export_account_data', whenSignedOut: 'unauthenticated' }),
    requireStepUp(deps),
    async function sendExport(_req, res) {
      const { overview } = sensitiveActionContext(res);
      res.json(await exportAccountData({ prisma: deps.prisma, overview, now: new Date() }));
    },
  ];
}
