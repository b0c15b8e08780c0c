import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';

import { acrRanking } from '@oidc-ref/rp-kit';

import type { RpConfig } from './config.js';
import type { PrismaClient } from './db/client.js';
import { errorHandler, notFound } from './errors.js';
import { requestLog } from './middleware/request-log.js';
import { loadSession } from './middleware/session.js';
import { accountExportRoute } from './routes/account-export.js';
import { accountRoute } from './routes/account.js';
import { apiAccountExportRoute } from './routes/api-account-export.js';
import { backchannelLogoutRoute } from './routes/backchannel-logout.js';
import { callbackRoute } from './routes/callback.js';
import { commandsRoute } from './routes/commands.js';
import type { RouteDeps } from './routes/deps.js';
import { frontchannelLogoutRoute } from './routes/frontchannel-logout.js';
import { healthzRoute } from './routes/healthz.js';
import { homeRoute } from './routes/home.js';
import { loginRoute } from './routes/login.js';
import { logoutRoute } from './routes/logout.js';
import { readyzRoute } from './routes/readyz.js';
import { signedOutRoute } from './routes/signed-out.js';
import { saveTenantRolesRoute, tenantRolesRoute } from './routes/tenant-roles.js';
import { createOidcClient, type OidcClient } from './services/oidc-client.js';
import { STYLESHEET_CSP_HASH } from './views/layout.js';

export interface AppDeps {
  config: RpConfig;
  prisma: PrismaClient;
  logger: Logger;
  /** Defaults to discovery of `config.issuer` (lazy, memoized). */
  oidc?: OidcClient;
}

/**
 * Builds the RP's Express app. It never listens: `server.ts` does, and tests use supertest.
 *
 * @example
 * const app = createApp({ config: parseConfig(env), prisma, logger });
 */
export function createApp(deps: AppDeps): Express {
  const { config, prisma, logger } = deps;
  const routeDeps: RouteDeps = {
    config,
    prisma,
    logger,
    oidc: deps.oidc ?? createOidcClient({ config, logger }),
    ranking: acrRanking(config.acrValues),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'none'"],
          'style-src': [STYLESHEET_CSP_HASH],
          'img-src': ["'self'", 'data:'],
          // "Sign out everywhere" posts to /logout, which redirects to the OP's end_session_endpoint.
          'form-action': ["'self'", new URL(config.issuer).origin],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'none'"],
          ...(config.secureCookies ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      // HSTS only means something over https.
      strictTransportSecurity: config.secureCookies,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(requestLog(logger));

  app.get('/healthz', ...healthzRoute());
  app.get('/readyz', ...readyzRoute(routeDeps));
  // OpenID Provider Commands: OP-to-RP calls, authenticated by the signed token only (no session).
  app.post('/commands/:tenant', ...commandsRoute(routeDeps));
  // Back-Channel Logout: OP-to-RP, authenticated by the signed logout token only (no session).
  app.post('/backchannel-logout', ...backchannelLogoutRoute(routeDeps));

  app.use(loadSession(routeDeps));
  app.get('/', ...homeRoute(routeDeps));
  app.get('/login', ...loginRoute(routeDeps));
  app.get('/callback', ...callbackRoute(routeDeps));
  app.get('/account', ...accountRoute(routeDeps));
  app.get('/account/export', ...accountExportRoute(routeDeps));
  app.get('/api/account/export', ...apiAccountExportRoute(routeDeps));
  app.get('/tenant/roles', ...tenantRolesRoute(routeDeps));
  app.post('/tenant/roles', ...saveTenantRolesRoute(routeDeps));
  app.post('/logout', ...logoutRoute(routeDeps));
  app.get('/signed-out', ...signedOutRoute(routeDeps));
  app.get('/frontchannel-logout', ...frontchannelLogoutRoute(routeDeps));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
