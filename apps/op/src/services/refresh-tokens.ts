import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { NewRefreshToken, RefreshTokenRecord } from '../repositories/refresh-token-repository.js';

/**
 * Refresh tokens are issued only to clients registered with the `refresh_token` grant
 * (OIDC Registration §2, RFC 7591 §2).
 */
export function issuesRefreshTokens(client: ClientRecord): boolean {
  return client.grantTypes.includes('refresh_token');
}

/**
 * With `offline_access` granted (OIDC Core §11) a refresh token outlives the OP session;
 * otherwise it records the session and ends with it.
 */
export function isOffline(scope: string): boolean {
  return scope.split(' ').includes('offline_access');
}

export type RefreshTokenProblem = 'reused' | 'revoked' | 'expired' | 'other-client';

/**
 * Why a stored refresh token cannot be used, or null. A consumed token comes first: presenting
 * it again is reuse, whoever presents it (RFC 9700 §4.14.2).
 */
export function refreshTokenProblem(
  record: Pick<RefreshTokenRecord, 'consumedAt' | 'revokedAt' | 'expiresAt' | 'clientId'>,
  clientId: string,
  now: Date,
): RefreshTokenProblem | null {
  if (record.consumedAt !== null) return 'reused';
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt <= now) return 'expired';
  if (record.clientId !== clientId) return 'other-client';
  return null;
}

/** A fresh opaque refresh token: the value for the client, and the row (its SHA-256 as id). */
export function newRefreshToken(fields: Omit<NewRefreshToken, 'id'>): { value: string; record: NewRefreshToken } {
  const value = randomToken(32);
  return { value, record: { id: sha256Base64Url(value), ...fields } };
}
