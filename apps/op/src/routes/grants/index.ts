import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { GrantHandler } from './context.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

export type { GrantDeps, GrantHandler } from './context.js';

/** Grant handlers keyed by their `grant_type` wire value. */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = Object.freeze({
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
});

/** Every grant type the token endpoint implements. */
export const SUPPORTED_GRANT_TYPES: readonly string[] = Object.freeze(Object.keys(grantHandlers));

/**
 * `grant_types_supported` for discovery: `password` is implemented but not advertised (legacy,
 * RFC 9700 §2.4; only for clients an operator registers for it).
 */
export const ADVERTISED_GRANT_TYPES: readonly string[] = Object.freeze(['authorization_code', 'refresh_token', 'client_credentials']);
