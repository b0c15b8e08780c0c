import { Router, type RequestHandler } from 'express';
import { timingSafeEqualString } from '@oidc-ref/crypto';
import type { AppDeps } from '../../app.js';
import { InvalidToken } from '../../errors.js';
import { noStore } from '../../middleware/no-store.js';
import { adminClientRoutes } from './clients.js';
import { adminCommandRoutes } from './commands.js';
import { adminConsoleRoutes } from './console/index.js';
import { adminUserRoutes } from './users.js';

const REALM = 'Bearer realm="admin"';

/** The bearer token of the Authorization header (RFC 6750 §2.1), if any. */
function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer +([\x21-\x7e]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The admin JSON API under `/admin`, authenticated with the bearer token `OP_ADMIN_TOKEN`
 * (compared in constant time). Without a token configured nothing is mounted: plain 404s.
 */
export function adminRoutes(deps: AppDeps): Router {
  const router = Router();
  const adminToken = deps.config.adminToken;
  if (adminToken === undefined) return router;

  const authenticateAdmin: RequestHandler = (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (token === undefined || !timingSafeEqualString(token, adminToken)) {
      res.set('WWW-Authenticate', token === undefined ? REALM : `${REALM}, error="invalid_token"`);
      throw new InvalidToken('a valid admin bearer token is required');
    }
    next();
  };

  router.use(adminConsoleRoutes(deps));
  router.use('/admin', noStore, authenticateAdmin, adminCommandRoutes(deps), adminUserRoutes(deps), adminClientRoutes(deps));
  return router;
}
