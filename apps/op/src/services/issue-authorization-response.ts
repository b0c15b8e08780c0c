import { randomUUID } from 'node:crypto';
import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { AppDeps } from '../app.js';
import type { AuthorizationParams } from '../authorize/params.js';
import { responseParts } from '../authorize/response-type.js';
import { InvalidRequest, LoginRequired } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import type { AuthenticationResult } from '../authentication/plan.js';
import { mintIdToken } from './id-token.js';
import { issueAccessToken } from './issue-access-token.js';
import { idTokenUserClaims } from './user-claims.js';

export interface IssueAuthorizationResponseInput {
  params: AuthorizationParams;
  client: ClientRecord;
  session: SessionRecord;
  /** The authentication this response asserts: acr, amr and auth_time of the planned chain. */
  auth: AuthenticationResult;
  now: Date;
}

/**
 * Issues what the response type asks for (OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5): a code, an
 * access token, an ID token, or a combination. Code and access token share one grant id. The ID
 * token carries `nonce`, `sid`, and `at_hash` / `c_hash` / `s_hash` for the access token, code
 * and state returned beside it; with `response_type=id_token` (no access token) it also carries
 * the scope claims (§5.4). Returns the response parameters (without `state` and `iss`).
 */
export async function issueAuthorizationResponse(
  deps: AppDeps,
  input: IssueAuthorizationResponseInput,
): Promise<Record<string, string>> {
  const { params, client, session, auth: assertion, now } = input;
  const parts = responseParts(params.response_type);
  const pkce =
    params.code_challenge && params.code_challenge_method
      ? { challenge: params.code_challenge, method: params.code_challenge_method }
      : undefined;
  // Validation guarantees PKCE for every code; a stored interaction from before is refused here.
  if (parts.code && !pkce) throw new InvalidRequest('code_challenge is required (PKCE)');
  const grantId = randomUUID();
  const scope = params.scopes.join(' ');
  const code = parts.code ? randomToken(32) : undefined;
  const user = await deps.repos.users.findById(session.userId);
  if (!user) throw new LoginRequired('the signed-in account no longer exists');
  // The client's access-token format (opaque or RFC 9068 JWT with acr and auth_time).
  const issued = parts.accessToken
    ? await issueAccessToken(deps, {
        client,
        user,
        scope,
        grantId,
        sessionId: session.id,
        authTime: assertion.authTime,
        acr: assertion.acr,
        amr: assertion.amr,
        claims: params.claims?.userinfo ?? null,
        now,
      })
    : undefined;
  const accessToken = issued?.value;

  // Signed before anything is stored: a signing failure leaves no orphan code or token.
  let idToken: string | undefined;
  if (parts.idToken) {
    idToken = await mintIdToken(deps, {
      issuer: deps.config.issuer,
      user,
      client,
      nonce: params.nonce ?? null,
      authTime: assertion.authTime,
      acr: assertion.acr,
      amr: assertion.amr,
      sid: session.id,
      now,
      ttlSeconds: deps.config.ttl.idToken,
      extraClaims: idTokenUserClaims(user, {
        claimsRequest: params.claims,
        ...(parts.accessToken || parts.code ? {} : { scopes: params.scopes }),
      }),
      hashes: {
        ...(accessToken !== undefined && { accessToken }),
        ...(code !== undefined && { code }),
        ...(params.state !== undefined && { state: params.state }),
      },
    });
  }

  // The client took part in this OP session: logout will notify it (docs/logout.md).
  await deps.repos.logout.recordParticipation({ sessionId: session.id, clientId: client.id, userId: session.userId, now });

  // Codes and tokens keep a snapshot: a later step-up does not upgrade them.
  const auth = { userId: session.userId, sessionId: session.id, authTime: assertion.authTime, acr: assertion.acr, amr: assertion.amr };
  await deps.repos.authorizationResponses.store({
    ...(code !== undefined && pkce && {
      code: {
        id: sha256Base64Url(code),
        grantId,
        clientId: client.id,
        redirectUri: params.redirect_uri,
        scope,
        nonce: params.nonce ?? null,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: pkce.method,
        maxAgeRequested: params.max_age !== undefined,
        claims: params.claims ?? null,
        expiresAt: new Date(now.getTime() + deps.config.ttl.code * 1000),
        ...auth,
      },
    }),
    ...(issued !== undefined && { accessToken: issued.record }),
  });

  return {
    ...(code !== undefined && { code }),
    ...(issued !== undefined && {
      access_token: issued.value,
      token_type: 'Bearer',
      expires_in: String(issued.expiresIn),
      scope,
    }),
    ...(idToken !== undefined && { id_token: idToken }),
  };
}
