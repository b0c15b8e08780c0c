import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { TokenResponse } from '@oidc-ref/token-schemas';
import type { GrantHandler } from './context.js';
import { allowedScope, parseScope, registeredScope } from './scope.js';

/** Scopes that need a user: never in a client_credentials token. */
const USER_SCOPES = ['openid', 'offline_access'];

/**
 * grant_type=client_credentials (RFC 6749 §4.4): an access token for the client itself, with a
 * subset of its registered `scope` (`openid` is refused: there is no user). No ID token and no
 * refresh token. This is the benchmark's hot path: the client lookup done by authentication
 * and a single INSERT are all the database work.
 */
export const clientCredentialsGrant: GrantHandler = async (deps, client, form) => {
  const registered = registeredScope(client);
  const scope = allowedScope(parseScope(form.scope), {
    allowed: registered,
    fallback: registered,
    forbidden: USER_SCOPES,
  }).join(' ');
  const accessToken = randomToken(32);
  const ttl = deps.config.ttl.accessToken;
  await deps.repos.accessTokens.create({
    id: sha256Base64Url(accessToken),
    grantId: null,
    clientId: client.id,
    userId: null,
    scope,
    expiresAt: new Date(deps.now().getTime() + ttl * 1000),
  });
  const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl };
  if (scope !== '') response.scope = scope;
  return response;
};
