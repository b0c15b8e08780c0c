import type { Db } from '../db/client.js';
import { acrLevelRepository } from './acr-level-repository.js';
import { adminConsoleRepository } from './admin-console-repository.js';
import { encryptionKeyRepository } from './encryption-key-repository.js';
import { totpRepository } from './totp-repository.js';
import { accessTokenRepository } from './access-token-repository.js';
import { authorizationCodeRepository } from './authorization-code-repository.js';
import { authorizationResponseRepository } from './authorization-response-repository.js';
import { clientAssertionRepository } from './client-assertion-repository.js';
import { auditAccountRepository } from './audit-account-repository.js';
import { commandCallbackRepository } from './command-callback-repository.js';
import { commandDeliveryRepository } from './command-delivery-repository.js';
import { clientTenantMetadataRepository } from './client-tenant-metadata-repository.js';
import { clientRepository, type ClientRepositoryOptions } from './client-repository.js';
import { consentRepository } from './consent-repository.js';
import { grantRepository } from './grant-repository.js';
import { interactionRepository } from './interaction-repository.js';
import { logoutRepository } from './logout-repository.js';
import { organizationRepository } from './organization-repository.js';
import { refreshTokenRepository } from './refresh-token-repository.js';
import { sessionRepository } from './session-repository.js';
import { signingKeyRepository } from './signing-key-repository.js';
import { userRepository } from './user-repository.js';
import { userLifecycleRepository } from './user-lifecycle-repository.js';

export interface RepositoryOptions {
  /** The client cache (`OP_CLIENT_CACHE_TTL_SECONDS`); see client-repository.ts. */
  clients?: ClientRepositoryOptions;
}

export function createRepositories(db: Db, options: RepositoryOptions = {}) {
  return {
    acrLevels: acrLevelRepository(db),
    adminConsole: adminConsoleRepository(db),
    encryptionKeys: encryptionKeyRepository(db),
    totp: totpRepository(db),
    accessTokens: accessTokenRepository(db),
    authorizationCodes: authorizationCodeRepository(db),
    authorizationResponses: authorizationResponseRepository(db),
    clients: clientRepository(db, options.clients),
    clientAssertions: clientAssertionRepository(db),
    auditAccounts: auditAccountRepository(db),
    commandCallbacks: commandCallbackRepository(db),
    commandDeliveries: commandDeliveryRepository(db),
    clientTenantMetadata: clientTenantMetadataRepository(db),
    consents: consentRepository(db),
    grants: grantRepository(db),
    interactions: interactionRepository(db),
    logout: logoutRepository(db),
    organizations: organizationRepository(db),
    refreshTokens: refreshTokenRepository(db),
    sessions: sessionRepository(db),
    signingKeys: signingKeyRepository(db),
    users: userRepository(db),
    userLifecycle: userLifecycleRepository(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
