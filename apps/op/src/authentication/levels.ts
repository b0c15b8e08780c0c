import type { AcrLevel } from '../repositories/acr-level-repository.js';

export const ACR_PASSWORD = 'urn:oidc-ref:acr:pwd';
export const ACR_MFA = 'urn:oidc-ref:acr:mfa';

/**
 * The levels the initial migration stores in `acr_levels`. The OP reads them from the database
 * at start (server.ts); this copy only serves apps built without one (unit-level tests).
 */
export const DEFAULT_ACR_LEVELS: readonly AcrLevel[] = Object.freeze([
  { acr: ACR_PASSWORD, rank: 1, chain: ['pwd'], display: 'Password' },
  { acr: ACR_MFA, rank: 2, chain: ['pwd', 'otp'], display: 'Password and one-time code' },
]);
