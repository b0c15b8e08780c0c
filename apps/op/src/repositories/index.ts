import type { Db } from '../db/client.js';
import { acrLevelRepository } from './acr-level-repository.js';
import { totpRepository } from './totp-repository.js';
import { accessTokenRepository } from './access-token-repository.js';
import { authorizationCodeRepository } from './authorization-code-repository.js';
import { authorizationResponseRepository } from './authorization-response-repository.js';
import { clientAssertionRepository } from './client-assertion-repository.js';
import { clientRepository } from './client-repository.js';
import { consentRepository } from './consent-repository.js';
import { grantRepository } from './grant-repository.js';
import { interactionRepository } from './interaction-repository.js';
import { organizationRepository } from './organization-repository.js';
import { refreshTokenRepository } from './refresh-token-repository.js';
import { sessionRepository } from './session-repository.js';
import { signingKeyRepository } from './signing-key-repository.js';
import { userRepository } from './user-repository.js';

export function createRepositories(db: Db) {
  return {
    acrLevels: acrLevelRepository(db),
    totp: totpRepository(db),
    accessTokens: accessTokenRepository(db),
    authorizationCodes: authorizationCodeRepository(db),
    authorizationResponses: authorizationResponseRepository(db),
    clients: clientRepository(db),
    clientAssertions: clientAssertionRepository(db),
    consents: consentRepository(db),
    grants: grantRepository(db),
    interactions: interactionRepository(db),
    organizations: organizationRepository(db),
    refreshTokens: refreshTokenRepository(db),
    sessions: sessionRepository(db),
    signingKeys: signingKeyRepository(db),
    users: userRepository(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
