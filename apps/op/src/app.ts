import express, { type Express } from 'express';
import helmet from 'helmet';
import type { OpConfig } from './config.js';
import { errorHandler, notFound } from './errors.js';
import type { Logger } from './logger.js';
import { answerBeforeExpress } from './middleware/before-express.js';
import type { Repositories } from './repositories/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { authorizeRoute } from './routes/authorize.js';
import { commandsCallbackRoute } from './routes/commands-callback.js';
import { discoveryRoute } from './routes/discovery.js';
import { endSessionRoutes } from './routes/end-session.js';
import { healthRoutes } from './routes/health.js';
import { interactionRoutes } from './routes/interaction.js';
import { jwksRoute } from './routes/jwks.js';
import { registrationRoutes } from './routes/registration.js';
import { introspectionRoute } from './routes/introspection.js';
import { revocationRoute } from './routes/revocation.js';
import { tokenEndpoint } from './routes/token.js';
import { userinfoRoute } from './routes/userinfo.js';
import { authorizationFlow, type AuthorizationFlow } from './services/authorization-flow.js';
import { browserSessions, type BrowserSessions } from './services/browser-session.js';
import { DEFAULT_ACR_LEVELS } from './authentication/levels.js';
import type { AcrLevel } from './repositories/acr-level-repository.js';
import { clientKeys, type ClientKeys } from './services/client-keys.js';
import { endSessions } from './services/logout/end-sessions.js';
import type { EncryptionKeyService } from './services/encryption-keys.js';
import type { KeyService } from './services/keys.js';

export interface AppDeps {
  config: OpConfig;
  /** The authentication levels (acr values and method chains) this OP offers, weakest first. */
  acrLevels: readonly AcrLevel[];
  /** The OP's own encryption keys (encrypted id_token_hints); none unless loaded at start. */
  encryptionKeys?: EncryptionKeyService;
  /** Clients' public keys (registered jwks or fetched jwks_uri). */
  clientKeys: ClientKeys;
  repos: Repositories;
  keys: KeyService;
  logger: Logger;
  sessions: BrowserSessions;
  flow: AuthorizationFlow;
  /** The clock; tests may freeze it. */
  now: () => Date;
  /** Called after a command enters the outbox: server.ts wakes the delivery worker. */
  onCommandEnqueued?: () => void;
  checkDatabase: () => Promise<boolean>;
}

export type CreateAppInput = Omit<AppDeps, 'sessions' | 'flow' | 'now' | 'clientKeys' | 'acrLevels'> & {
  /** Read from the `acr_levels` table at start; defaults to the levels the migrations seed. */
  acrLevels?: readonly AcrLevel[];
  now?: () => Date;
  /** Overrides for tests (e.g. an injected fetch). */
  clientKeys?: ClientKeys;
};

/** Builds the OP's Express app. Never listens: see server.ts. Keys must be loaded first. */
export function createApp(input: CreateAppInput): Express {
  const deps: AppDeps = {
    ...input,
    now: input.now ?? (() => new Date()),
    acrLevels: input.acrLevels ?? DEFAULT_ACR_LEVELS,
    clientKeys: input.clientKeys ?? clientKeys({ now: input.now }),
    sessions: browserSessions(input.repos.sessions, input.config, input.acrLevels ?? DEFAULT_ACR_LEVELS, (sessionId) =>
      endSessions(
        { sessionId },
        { logout: input.repos.logout, clients: input.repos.clients, now: deps.now(), onEnqueued: () => input.onCommandEnqueued?.() },
      ),
    ),
    flow: authorizationFlow(() => deps),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // JSON endpoints first, lean: they set their own headers (no helmet, no HTML routes to walk).
  const token = tokenEndpoint(deps);
  app.use(token.router);
  app.use(introspectionRoute(deps));
  app.use(revocationRoute(deps));
  // POST /token, the hot path of every grant, is answered before Express's per-request setup.
  answerBeforeExpress(app, [token.answer]);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'none'"],
          'style-src': ["'unsafe-inline'"],
          'img-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'base-uri': ["'none'"],
        },
      },
      strictTransportSecurity: input.config.secureCookies,
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '20kb' }));
  app.use(healthRoutes(deps));
  app.use(discoveryRoute(deps));
  app.use(jwksRoute(deps));
  app.use(authorizeRoute(deps));
  app.use(interactionRoutes(deps));
  app.use(endSessionRoutes(deps));
  app.use(userinfoRoute(deps));
  app.use(registrationRoutes(deps));
  app.use(adminRoutes(deps));
  app.use(commandsCallbackRoute(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
