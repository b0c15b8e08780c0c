import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../lib/return-to.js';
import { randomToken, sha256Base64Url } from '../lib/tokens.js';
import {
  createSession,
  deleteSession,
  saveLoginState,
  type SessionRecord,
} from '../repositories/session-repository.js';
import { newAuthorizationRequest } from './authorization-request.js';
import { LOGIN_TTL_SECONDS } from './login-state.js';
import type { OidcClient } from './oidc-client.js';

export { SCOPE } from './authorization-request.js';

export interface StartSignInOptions {
  prisma: PrismaClient;
  oidc: OidcClient;
  config: Pick<RpConfig, 'redirectUri'>;
  /** The browser's current session, if any; a new pre-login session is made otherwise. */
  session: SessionRecord | null;
  /** Untrusted; only a same-site relative path is kept. */
  returnTo: unknown;
  now: Date;
}

export interface StartSignInResult {
  authorizationUrl: URL;
  /** Set when a new session was created: the cookie value and its lifetime. */
  newSession?: { cookieValue: string; maxAgeSeconds: number };
}

/**
 * Starts the authorization code flow: discovers the OP (lazily), makes state, nonce and a
 * PKCE S256 verifier, stores them server-side and returns the OP's authorization URL.
 * A signed-in session keeps its pending sign-in on itself; otherwise a new 10-minute pre-login
 * session is made (replacing an earlier anonymous one). Discovery runs first, so an
 * unreachable OP leaves nothing behind.
 */
export async function startSignIn(options: StartSignInOptions): Promise<StartSignInResult> {
  const { authorizationUrl, loginState } = await newAuthorizationRequest({
    oidc: options.oidc,
    redirectUri: options.config.redirectUri,
    returnTo: safeReturnTo(options.returnTo) ?? DEFAULT_RETURN_TO,
    now: options.now,
  });

  const { prisma, session } = options;
  if (session?.accountId) {
    // Signed in already (e.g. signing in again): keep the session until the callback replaces it.
    await saveLoginState(prisma, { id: session.id, loginState: { ...loginState } });
    return { authorizationUrl };
  }
  // Anonymous: a fresh short-lived pre-login session, replacing any earlier one.
  const cookieValue = randomToken();
  await prisma.$transaction(async (tx) => {
    if (session) await deleteSession(tx, { id: session.id });
    await createSession(tx, {
      id: sha256Base64Url(cookieValue),
      csrfToken: randomToken(),
      expiresAt: new Date(loginState.expiresAt),
      loginState: { ...loginState },
    });
  });
  return { authorizationUrl, newSession: { cookieValue, maxAgeSeconds: LOGIN_TTL_SECONDS } };
}
