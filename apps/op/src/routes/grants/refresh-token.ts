import { sha256Base64Url } from '@oidc-ref/crypto';
import type { TokenResponse } from '@oidc-ref/token-schemas';
import { InvalidGrant } from '../../errors.js';
import { readStoredClaimsRequest } from '../../services/claims-request.js';
import { issueAccessToken } from '../../services/issue-access-token.js';
import { newRefreshToken, refreshTokenProblem } from '../../services/refresh-tokens.js';
import type { GrantHandler } from './context.js';
import { mintGrantIdToken } from './id-token.js';
import { requiredParam } from './params.js';
import { narrowScope, parseScope } from './scope.js';

/**
 * grant_type=refresh_token (OIDC Core §12, RFC 6749 §6, OAuth 2.1 §4.3, RFC 9700 §4.14).
 * Every use rotates: the presented token is consumed (one winner) and a successor of the same
 * family, scope and absolute expiry is issued with the new access token, in one transaction.
 * Presenting a consumed token again revokes the whole family and every access token of the
 * grant. An ID token comes back when the new access token's scope includes `openid`.
 */
export const refreshTokenGrant: GrantHandler = async (deps, client, form) => {
  const presented = requiredParam(form, 'refresh_token');
  const requestedScope = parseScope(form.scope);
  const now = deps.now();

  const record = await deps.repos.refreshTokens.findById(sha256Base64Url(presented));
  if (!record) throw new InvalidGrant('the refresh token is invalid');
  const problem = refreshTokenProblem(record, client.id, now);
  if (problem === 'reused') {
    const revoked = await deps.repos.grants.revokeGrant(record.familyId, now);
    deps.logger.warn({ clientId: client.id, grantId: record.familyId, revoked }, 'refresh token reused: grant revoked');
    throw new InvalidGrant('the refresh token was already used');
  }
  if (problem === 'revoked') throw new InvalidGrant('the refresh token was revoked');
  if (problem === 'expired') throw new InvalidGrant('the refresh token has expired');
  if (problem === 'other-client') throw new InvalidGrant('the refresh token was issued to another client');

  const scopes = narrowScope(requestedScope, record.scope.split(' '));
  const [user, session] = await Promise.all([
    deps.repos.users.findById(record.userId),
    record.sessionId === null ? null : deps.repos.sessions.findById(record.sessionId),
  ]);
  if (!user) throw new InvalidGrant('the user no longer exists');
  // Without offline_access, the token lives only as long as the OP session (OIDC Core §11).
  if (record.sessionId !== null && (!session || session.expiresAt <= now)) {
    throw new InvalidGrant('the session this refresh token belongs to has ended');
  }

  const claimsRequest = readStoredClaimsRequest(record.claims);
  const accessToken = await issueAccessToken(deps, {
    client,
    user,
    scope: scopes.join(' '),
    grantId: record.familyId,
    sessionId: record.sessionId,
    authTime: record.authTime,
    acr: record.acr,
    amr: record.amr,
    claims: claimsRequest?.userinfo ?? null,
    now,
  });
  const successor = newRefreshToken({
    familyId: record.familyId,
    createdAt: now,
    clientId: record.clientId,
    userId: record.userId,
    sessionId: record.sessionId,
    scope: record.scope,
    authTime: record.authTime,
    acr: record.acr,
    amr: record.amr,
    nonce: record.nonce,
    claims: claimsRequest ?? null,
    expiresAt: record.expiresAt,
  });
  // Prepared before the rotation, so that a failure to mint cannot consume the token.
  const response: TokenResponse = {
    access_token: accessToken.value,
    token_type: 'Bearer',
    expires_in: accessToken.expiresIn,
    refresh_token: successor.value,
    scope: scopes.join(' '),
  };
  if (scopes.includes('openid')) {
    // OIDC Core §12.2: same iss/sub/aud, fresh iat, the original auth_time/acr/amr, no nonce.
    response.id_token = await mintGrantIdToken(deps, {
      user,
      client,
      nonce: null,
      authTime: record.authTime,
      acr: record.acr,
      amr: record.amr,
      ...(session && { sid: session.id }),
      accessToken: accessToken.value,
      scopes,
      claimsRequest,
      now,
    });
  }
  const outcome = await deps.repos.grants.rotateRefreshToken(record.id, now, accessToken.record, successor.record);
  if (outcome === 'already-used') {
    // Lost a race with a concurrent use of the same token: indistinguishable from reuse.
    const revoked = await deps.repos.grants.revokeGrant(record.familyId, now);
    deps.logger.warn({ clientId: client.id, grantId: record.familyId, revoked }, 'refresh token used concurrently: grant revoked');
    throw new InvalidGrant('the refresh token was already used');
  }

  return response;
};
