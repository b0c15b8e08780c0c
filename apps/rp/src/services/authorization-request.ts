import * as client from 'openid-client';

import { LOGIN_TTL_SECONDS, type LoginState, type StepUpState } from './login-state.js';
import type { OidcClient } from './oidc-client.js';

/** What the RP asks the OP for. `email` and `profile` come back through userinfo. */
export const SCOPE = 'openid email profile';

export interface NewAuthorizationRequestOptions {
  oidc: OidcClient;
  redirectUri: string;
  /** Already validated: a same-site relative path. */
  returnTo: string;
  now: Date;
  /** Extra authorization request parameters (`acr_values`, `max_age`, `id_token_hint`, `prompt`). */
  parameters?: Readonly<Record<string, string>>;
  stepUp?: StepUpState;
}

/**
 * An authorization code request: discovers the OP (lazily), makes a fresh `state`, `nonce` and
 * PKCE S256 verifier, and returns the OP's authorization URL with the pending sign-in to store.
 * Discovery runs first, so an unreachable OP leaves nothing to store.
 */
export async function newAuthorizationRequest(
  options: NewAuthorizationRequestOptions,
): Promise<{ authorizationUrl: URL; loginState: LoginState }> {
  const configuration = await options.oidc.getConfiguration();
  const codeVerifier = client.randomPKCECodeVerifier();
  const loginState: LoginState = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    returnTo: options.returnTo,
    expiresAt: options.now.getTime() + LOGIN_TTL_SECONDS * 1000,
    ...(options.stepUp ? { stepUp: options.stepUp } : {}),
  };
  const authorizationUrl = client.buildAuthorizationUrl(configuration, {
    // First, so that none of them can replace the protocol parameters below.
    ...options.parameters,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: SCOPE,
    state: loginState.state,
    nonce: loginState.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { authorizationUrl, loginState };
}
