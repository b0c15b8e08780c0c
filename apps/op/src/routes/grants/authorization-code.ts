import { pkceS256Challenge, sha256Base64Url, timingSafeEqualString } from '@oidc-ref/crypto';
import type { TokenResponse } from '@oidc-ref/token-schemas';
import { InvalidGrant } from '../../errors.js';
import { readStoredClaimsRequest } from '../../services/claims-request.js';
import { issueAccessToken } from '../../services/issue-access-token.js';
import { isOffline, issuesRefreshTokens, newRefreshToken } from '../../services/refresh-tokens.js';
import type { GrantHandler } from './context.js';
import { mintGrantIdToken } from './id-token.js';
import { requiredParam } from './params.js';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * grant_type=authorization_code (OIDC Core §3.1.3, RFC 6749 §4.1.3, RFC 7636 §4.6).
 * A code works once; a second use revokes everything the first issued. Clients registered for
 * `refresh_token` also get a refresh token of the same grant family.
 */
export const authorizationCodeGrant: GrantHandler = async (deps, client, form) => {
  const code = requiredParam(form, 'code');
  const redirectUri = requiredParam(form, 'redirect_uri');
  const verifier = requiredParam(form, 'code_verifier');
  const now = deps.now();

  // The code, its user and the user's organization: one statement.
  const found = await deps.repos.grants.findCodeWithUser(sha256Base64Url(code));
  if (!found) throw new InvalidGrant('the authorization code is invalid');
  const { code: record, user } = found;
  if (record.consumedAt !== null) {
    const revoked = await deps.repos.grants.revokeGrant(record.grantId, now);
    deps.logger.warn({ clientId: client.id, grantId: record.grantId, revoked }, 'authorization code reused: grant revoked');
    throw new InvalidGrant('the authorization code was already used');
  }
  if (record.clientId !== client.id) throw new InvalidGrant('the authorization code was issued to another client');
  if (record.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
  if (record.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request');
  if (record.codeChallenge === null || !VERIFIER.test(verifier)) throw new InvalidGrant('a valid code_verifier is required');
  if (!timingSafeEqualString(pkceS256Challenge(verifier), record.codeChallenge)) {
    throw new InvalidGrant('code_verifier does not match the code_challenge');
  }

  if (!user) throw new InvalidGrant('the user no longer exists');

  const claimsRequest = readStoredClaimsRequest(record.claims);
  const accessToken = await issueAccessToken(deps, {
    client,
    user,
    scope: record.scope,
    grantId: record.grantId,
    sessionId: record.sessionId,
    authTime: record.authTime,
    acr: record.acr,
    amr: record.amr,
    claims: claimsRequest?.userinfo ?? null,
    now,
  });
  const refresh = issuesRefreshTokens(client)
    ? newRefreshToken({
        familyId: record.grantId,
        createdAt: now,
        clientId: client.id,
        userId: user.id,
        sessionId: isOffline(record.scope) ? null : record.sessionId,
        scope: record.scope,
        authTime: record.authTime,
        acr: record.acr,
        amr: record.amr,
        nonce: record.nonce,
        claims: claimsRequest ?? null,
        expiresAt: new Date(now.getTime() + deps.config.ttl.refreshToken * 1000),
      })
    : undefined;
  // Every token is prepared before the code is redeemed: a failure to mint (e.g. a client
  // registered for encryption without a usable key) must not burn the code.
  const scopes = record.scope.split(' ');
  const response: TokenResponse = {
    access_token: accessToken.value,
    token_type: 'Bearer',
    expires_in: accessToken.expiresIn,
    scope: record.scope,
  };
  if (refresh) response.refresh_token = refresh.value;
  // Only an OpenID Connect request (scope openid) gets an ID token (OIDC Core §3.1.3.3).
  if (scopes.includes('openid')) {
    response.id_token = await mintGrantIdToken(deps, {
      user,
      client,
      nonce: record.nonce,
      authTime: record.authTime,
      acr: record.acr,
      amr: record.amr,
      sid: record.sessionId,
      accessToken: accessToken.value,
      scopes,
      claimsRequest,
      now,
    });
  }
  const outcome = await deps.repos.grants.redeemCode(record.id, now, accessToken.record, refresh?.record);
  if (outcome === 'already-used') {
    // Lost a race with a concurrent exchange of the same code: treat as reuse.
    await deps.repos.grants.revokeGrant(record.grantId, now);
    throw new InvalidGrant('the authorization code was already used');
  }

  return response;
};
