import type { AppDeps } from '../../app.js';
import type { ClientRecord } from '../../repositories/client-repository.js';
import type { UserRecord } from '../../repositories/user-repository.js';
import type { ClaimsRequest } from '../../services/claims-request.js';
import { mintIdToken } from '../../services/id-token.js';
import { requestedClaims } from '../../services/user-claims.js';

export interface GrantIdTokenInput {
  user: UserRecord;
  client: ClientRecord;
  /** The authorization request's nonce (code grant); null on refresh (OIDC Core §12.2). */
  nonce: string | null;
  authTime: Date;
  acr: string;
  amr: string[];
  /** The OP session, when it still applies. */
  sid?: string;
  /** Bound as `at_hash`. */
  accessToken: string;
  /** The granted scopes of the access token issued with this ID token. */
  scopes: string[];
  /** The stored `claims` request of the grant (OIDC Core §5.5). */
  claimsRequest: ClaimsRequest | undefined;
  now: Date;
}

/**
 * The claims an ID token from the token endpoint carries beyond the protocol ones: those
 * requested by the `id_token` member of the stored claims request (OIDC Core §5.5). Scope
 * claims are not added here: an access token is issued, so they go to UserInfo (§5.4).
 */
function requestedIdTokenClaims(user: UserRecord, claimsRequest: ClaimsRequest | undefined): Record<string, unknown> | undefined {
  const claims = requestedClaims(user, claimsRequest?.id_token);
  return Object.keys(claims).length > 0 ? claims : undefined;
}

/** Mints the ID token of a token endpoint response (OIDC Core §3.1.3.3, §12.2). */
export function mintGrantIdToken(deps: AppDeps, input: GrantIdTokenInput): Promise<string> {
  const extraClaims = requestedIdTokenClaims(input.user, input.claimsRequest);
  return mintIdToken(deps, {
    issuer: deps.config.issuer,
    user: input.user,
    client: input.client,
    nonce: input.nonce,
    authTime: input.authTime,
    acr: input.acr,
    amr: input.amr,
    ...(input.sid !== undefined && { sid: input.sid }),
    now: input.now,
    ttlSeconds: deps.config.ttl.idToken,
    ...(extraClaims !== undefined && { extraClaims }),
    hashes: { accessToken: input.accessToken },
    fromTokenEndpoint: true,
  });
}
