import type { TokenResponse } from '@oidc-ref/token-schemas';
import { issueAccessToken } from '../../services/issue-access-token.js';
import type { GrantHandler } from './context.js';
import { allowedScope, parseScope, registeredScope } from './scope.js';

/** Scopes that need a user: never in a client_credentials token. */
const USER_SCOPES = ['openid', 'offline_access'];

/**
 * grant_type=client_credentials (RFC 6749 §4.4): an access token for the client itself, with a
 * subset of its registered `scope` (`openid` is refused: there is no user). No ID token and no
 * refresh token. This is the benchmark's hot path: by default the token is a self-contained
 * RFC 9068 JWT and nothing is written (the client comes from the in-process cache); a client
 * registered with `access_token_format: "opaque"` gets a stored opaque token (one INSERT).
 */
export const clientCredentialsGrant: GrantHandler = async (deps, client, form) => {
  const registered = registeredScope(client);
  const scope = allowedScope(parseScope(form.scope), {
    allowed: registered,
    fallback: registered,
    forbidden: USER_SCOPES,
  }).join(' ');
  const token = await issueAccessToken(deps, { client, scope, now: deps.now() });
  if (token.record) await deps.repos.accessTokens.create(token.record);
  const response: TokenResponse = { access_token: token.value, token_type: 'Bearer', expires_in: token.expiresIn };
  if (scope !== '') response.scope = scope;
  return response;
};
