import { Router } from 'express';
import type { AppDeps } from '../../../app.js';
import { consoleHeaders } from './console-context.js';
import { consoleDeliveryRoutes } from './console-deliveries.js';
import { consoleSendRoutes } from './console-send.js';
import { consoleSessions } from './console-session.js';
import { consoleSignInRoutes } from './console-sign-in.js';
import { consoleUserRoutes } from './console-users.js';

/**
 * The OP's admin console under `/admin/console`: server-rendered pages for operators who hold
 * `OP_ADMIN_TOKEN` (see docs/admin-console.md). Without an admin token nothing is mounted.
 */
export function adminConsoleRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminToken = deps.config.adminToken;
  if (adminToken === undefined) return router;
  const context = { deps, sessions: consoleSessions({ adminToken, secure: deps.config.secureCookies, now: deps.now }) };
  router.use('/admin/console', consoleHeaders);
  router.use(consoleSignInRoutes(context), consoleUserRoutes(context), consoleSendRoutes(context), consoleDeliveryRoutes(context));
  return router;
}
