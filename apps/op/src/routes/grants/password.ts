import { randomUUID } from 'node:crypto';
import { verifyPassword } from '@oidc-ref/crypto';
import type { TokenResponse } from '@oidc-ref/token-schemas';
import { SUPPORTED_SCOPES } from '../../authorize/checks.js';
import { InvalidGrant } from '../../errors.js';
import { ACR_PASSWORD } from '../../services/browser-session.js';
import { issueAccessToken } from '../../services/issue-access-token.js';
import { passwordAttemptKey } from '../../services/password-attempts.js';
import { issuesRefreshTokens, newRefreshToken } from '../../services/refresh-tokens.js';
import type { GrantHandler } from './context.js';
import { requiredParam } from './params.js';
import { allowedScope, parseScope, registeredScope } from './scope.js';

/** Checked when the username is unknown, so that case takes as long as a wrong password. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * grant_type=password (RFC 6749 §4.3). Legacy: OAuth 2.1 removes it and RFC 9700 §2.4 says it
 * MUST NOT be used, so it is off unless a confidential client is registered for it. Failures are
 * rate-limited per client and username (see services/password-attempts.ts). The token carries
 * acr `urn:oidc-ref:acr:pwd` and amr `["pwd"]`; no ID token (OIDC defines none for this grant);
 * a refresh token when the client is registered for `refresh_token`.
 */
export const passwordGrant: GrantHandler = async (deps, client, form) => {
  const username = requiredParam(form, 'username');
  const password = requiredParam(form, 'password');
  const registered = registeredScope(client);
  const scopes = allowedScope(parseScope(form.scope), {
    allowed: registered.length > 0 ? registered : SUPPORTED_SCOPES,
    fallback: registered,
  });
  const now = deps.now();

  const attemptKey = passwordAttemptKey(client.id, username);
  if (deps.passwordAttempts.isLocked(attemptKey, now)) {
    throw new InvalidGrant('too many failed attempts; try again later', { clientId: client.id, reason: 'password grant locked' });
  }
  const user = await deps.repos.users.findByEmail(username);
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !passwordOk) {
    deps.passwordAttempts.recordFailure(attemptKey, now);
    throw new InvalidGrant('the username or password is incorrect');
  }
  deps.passwordAttempts.reset(attemptKey);
  if (user.status !== 'active') throw new InvalidGrant(`the account is ${user.status}`);

  const grantId = randomUUID();
  const scope = scopes.join(' ');
  const amr = ['pwd'];
  // No OP session exists for this grant: the tokens are bound to none.
  const accessToken = await issueAccessToken(deps, {
    client,
    user,
    scope,
    grantId,
    sessionId: null,
    authTime: now,
    acr: ACR_PASSWORD,
    amr,
    claims: null,
    now,
  });
  const token = accessToken.record;
  const response: TokenResponse = { access_token: accessToken.value, token_type: 'Bearer', expires_in: accessToken.expiresIn };
  if (issuesRefreshTokens(client)) {
    const refresh = newRefreshToken({
      familyId: grantId,
      createdAt: now,
      clientId: client.id,
      userId: user.id,
      sessionId: null,
      scope,
      authTime: now,
      acr: ACR_PASSWORD,
      amr,
      nonce: null,
      expiresAt: new Date(now.getTime() + deps.config.ttl.refreshToken * 1000),
    });
    await deps.repos.grants.issue(token, refresh.record);
    response.refresh_token = refresh.value;
  } else {
    await deps.repos.accessTokens.create(token);
  }
  if (scope !== '') response.scope = scope;
  return response;
};
