import { randomToken, sha256Base64Url, pkceS256Challenge, timingSafeEqualString } from '@oidc-ref/crypto';
import type { TokenResponse } from '@oidc-ref/token-schemas';
import { InvalidGrant, InvalidRequest } from '../../errors.js';
import type { AppDeps } from '../../app.js';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { mintIdToken } from '../../services/id-token.js';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * grant_type=authorization_code (OIDC Core §3.1.3, RFC 6749 §4.1.3, RFC 7636 §4.6).
 * A code works once; a second use revokes everything the first issued.
 */
export async function authorizationCodeGrant(
  deps: AppDeps,
  client: ClientRecord,
  body: Record<string, unknown>,
): Promise<TokenResponse> {
  const code = stringParam(body, 'code');
  const redirectUri = stringParam(body, 'redirect_uri');
  const verifier = stringParam(body, 'code_verifier');
  const now = deps.now();

  const record = await deps.repos.authorizationCodes.findById(sha256Base64Url(code));
  if (!record) throw new InvalidGrant('the authorization code is invalid');
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

  const user = await deps.repos.users.findById(record.userId);
  if (!user) throw new InvalidGrant('the user no longer exists');

  const accessToken = randomToken(32);
  const ttl = deps.config.ttl.accessToken;
  const outcome = await deps.repos.grants.redeemCode(record.id, now, {
    id: sha256Base64Url(accessToken),
    grantId: record.grantId,
    clientId: client.id,
    userId: user.id,
    sessionId: record.sessionId,
    scope: record.scope,
    authTime: record.authTime,
    acr: record.acr,
    amr: record.amr,
    expiresAt: new Date(now.getTime() + ttl * 1000),
  });
  if (outcome === 'already-used') {
    // Lost a race with a concurrent exchange of the same code: treat as reuse.
    await deps.repos.grants.revokeGrant(record.grantId, now);
    throw new InvalidGrant('the authorization code was already used');
  }

  const idToken = await mintIdToken(deps, {
    issuer: deps.config.issuer,
    user,
    client,
    nonce: record.nonce,
    authTime: record.authTime,
    acr: record.acr,
    amr: record.amr,
    sid: record.sessionId,
    hashes: { accessToken },
    now,
    ttlSeconds: deps.config.ttl.idToken,
    fromTokenEndpoint: true,
  });
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, id_token: idToken, scope: record.scope };
}

function stringParam(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (Array.isArray(value)) throw new InvalidRequest(`${name} must not be repeated`);
  if (typeof value !== 'string' || value === '') throw new InvalidRequest(`${name} is required`);
  return value;
}
