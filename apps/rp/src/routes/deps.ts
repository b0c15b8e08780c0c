import type { Logger } from 'pino';

import type { AcrRanking } from '@oidc-ref/rp-kit';

import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { OidcClient } from '../services/oidc-client.js';

/** What route modules receive from `createApp`. */
export interface RouteDeps {
  config: RpConfig;
  prisma: PrismaClient;
  logger: Logger;
  oidc: OidcClient;
  /** `acrRanking(config.acrValues)`: how the RP ranks the OP's acr values. */
  ranking: AcrRanking;
}
