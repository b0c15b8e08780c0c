import { SIGNING_ALGS, isSigningAlg, sha256Base64Url } from '@oidc-ref/crypto';
import type { AccessTokenRepository } from '../repositories/access-token-repository.js';
import type { ClientRecord, ClientRepository } from '../repositories/client-repository.js';
import type { RefreshTokenRecord, RefreshTokenRepository } from '../repositories/refresh-token-repository.js';
import type { SessionRepository } from '../repositories/session-repository.js';
import type { UserRepository } from '../repositories/user-repository.js';
import { ClientJoseError, encryptForClient } from './client-jose.js';
import type { ClientKeys } from './client-keys.js';
import type { KeyService } from './keys.js';
import { looksLikeJwt, readAccessToken, type LiveAccessToken } from './read-access-token.js';
import { refreshTokenProblem } from './refresh-tokens.js';

/** RFC 9701 §5: the media type of a JWT introspection response, and its JOSE `typ` (§8.1). */
export const INTROSPECTION_JWT_MEDIA_TYPE = 'application/token-introspection+jwt';
export const INTROSPECTION_JWT_TYP = 'token-introspection+jwt';

/**
 * `introspection_signing_alg_values_supported`: the OP's own keys only. A signed response is
 * evidence from the OP (RFC 9701 §1), which an HMAC with the caller's own secret is not.
 */
export const INTROSPECTION_SIGNING_ALGS: readonly string[] = SIGNING_ALGS;
/** RFC 9701 §6: the default of `introspection_signed_response_alg`. */
export const DEFAULT_INTROSPECTION_ALG = 'RS256';

export type TokenTypeHint = 'access_token' | 'refresh_token';

/** RFC 7009 §2.1 / RFC 7662 §2.1: a hint is only an optimisation; unknown values count as none. */
export function readTokenTypeHint(value: string | undefined): TokenTypeHint | undefined {
  return value === 'access_token' || value === 'refresh_token' ? value : undefined;
}

/**
 * Operator-assigned (client metadata `resource_server: true`, never accepted from dynamic
 * registration): the client may introspect tokens issued to other clients.
 */
export const isResourceServer = (client: ClientRecord) => client.metadata.resource_server === true;

/**
 * Who may introspect: confidential clients only (RFC 7662 §2.1, §4: the caller must be
 * authorized, and a public client proves nothing). A public client's request is refused as a
 * failed client authentication.
 */
export const mayIntrospect = (client: ClientRecord) => client.tokenEndpointAuthMethod !== 'none';

export interface IntrospectionDeps {
  config: { issuer: string };
  keys: KeyService;
  clientKeys: ClientKeys;
  repos: {
    accessTokens: AccessTokenRepository;
    refreshTokens: RefreshTokenRepository;
    clients: ClientRepository;
    users: UserRepository;
    sessions: SessionRepository;
  };
}

/** An RFC 7662 §2.2 response. */
export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * RFC 7662 §2.2 for `token`, as `caller` may see it. The rules:
 *
 * - **Access tokens** (opaque or JWT) are active while live (see `readAccessToken`: unexpired,
 *   not revoked, a user's JWT still recorded), their client still registered and their user
 *   still existing. The caller sees tokens issued to itself; a resource server (operator flag
 *   `resource_server`) sees every access token.
 * - **Refresh tokens** are active while unconsumed, unrevoked, unexpired and (unless offline)
 *   their OP session is live; only the client they were issued to sees them, resource server
 *   or not.
 * - Anything else — unknown, expired, revoked, another client's, not ours — is exactly
 *   `{ "active": false }` (§2.2), so the answer tells nothing about tokens the caller may not see.
 *
 * Members: `active`, `scope`, `client_id`, `sub` (the user; for a client's own token the
 * client id, as RFC 9068 §2.2 does), `exp`, `iat`, `iss`, `token_type` (`Bearer`; none for
 * refresh tokens), `jti` and `aud` (JWTs), `sid`, and for users `acr` and `auth_time`
 * (RFC 9470 §6.2).
 */
export async function introspectToken(
  deps: IntrospectionDeps,
  caller: ClientRecord,
  input: { token: string; hint?: TokenTypeHint; now: Date },
): Promise<IntrospectionResponse> {
  const { token, now } = input;
  if (looksLikeJwt(token)) return describeAccessToken(deps, caller, await readAccessToken(deps, token, now));
  const id = sha256Base64Url(token);
  const lookups =
    input.hint === 'refresh_token'
      ? [() => refreshToken(deps, caller, id, now), () => accessToken(deps, caller, token, now)]
      : [() => accessToken(deps, caller, token, now), () => refreshToken(deps, caller, id, now)];
  for (const lookup of lookups) {
    const found = await lookup();
    if (found !== undefined) return found;
  }
  return INACTIVE;
}

/** undefined: no live access token of that value (try another type); otherwise the answer. */
async function accessToken(deps: IntrospectionDeps, caller: ClientRecord, token: string, now: Date) {
  const live = await readAccessToken(deps, token, now);
  return live === null ? undefined : describeAccessToken(deps, caller, live);
}

async function describeAccessToken(deps: IntrospectionDeps, caller: ClientRecord, token: LiveAccessToken | null): Promise<IntrospectionResponse> {
  if (token === null) return INACTIVE;
  if (token.clientId !== caller.id && !isResourceServer(caller)) return INACTIVE;
  const [client, user] = await Promise.all([
    token.clientId === caller.id ? caller : deps.repos.clients.findById(token.clientId),
    token.userId === null ? null : deps.repos.users.findById(token.userId),
  ]);
  if (!client || (token.userId !== null && !user)) return INACTIVE;
  return {
    active: true,
    ...(token.scope !== '' && { scope: token.scope }),
    client_id: token.clientId,
    sub: token.userId ?? token.clientId,
    exp: epoch(token.expiresAt),
    iat: epoch(token.issuedAt),
    iss: deps.config.issuer,
    token_type: 'Bearer',
    ...(token.jti !== undefined && { jti: token.jti }),
    ...(token.audience !== undefined && { aud: token.audience }),
    ...(token.sessionId !== null && { sid: token.sessionId }),
    ...(token.acr !== null && { acr: token.acr }),
    ...(token.authTime !== null && { auth_time: epoch(token.authTime) }),
  };
}

/** undefined: no such refresh token; otherwise the answer. */
async function refreshToken(deps: IntrospectionDeps, caller: ClientRecord, id: string, now: Date) {
  const record = await deps.repos.refreshTokens.findById(id);
  if (!record) return undefined;
  // Only the client it was issued to; a consumed (rotated) token is no longer usable.
  if (refreshTokenProblem(record, caller.id, now) !== null) return INACTIVE;
  return describeRefreshToken(deps, record, now);
}

async function describeRefreshToken(deps: IntrospectionDeps, record: RefreshTokenRecord, now: Date): Promise<IntrospectionResponse> {
  const [user, session] = await Promise.all([
    deps.repos.users.findById(record.userId),
    record.sessionId === null ? null : deps.repos.sessions.findById(record.sessionId),
  ]);
  if (!user) return INACTIVE;
  // Without offline_access the token ends with its OP session (as the refresh grant checks).
  if (record.sessionId !== null && (!session || session.expiresAt <= now)) return INACTIVE;
  return {
    active: true,
    ...(record.scope !== '' && { scope: record.scope }),
    client_id: record.clientId,
    sub: record.userId,
    exp: epoch(record.expiresAt),
    iat: epoch(record.createdAt),
    iss: deps.config.issuer,
    ...(record.sessionId !== null && { sid: record.sessionId }),
    acr: record.acr,
    auth_time: epoch(record.authTime),
  };
}

/**
 * The RFC 9701 JWT response: `{ iss, aud: caller, iat, token_introspection }` — no top-level
 * `sub` or `exp`, so it can never pass for an access token — signed with the caller's
 * `introspection_signed_response_alg` (default RS256) and `typ: token-introspection+jwt`, then
 * encrypted when the caller registered `introspection_encrypted_response_alg` (nested JWT).
 *
 * @throws {@link ClientJoseError} when it cannot be produced as registered (a `server_error`).
 */
export async function introspectionJwt(
  deps: Pick<IntrospectionDeps, 'config' | 'keys' | 'clientKeys'>,
  caller: ClientRecord,
  response: IntrospectionResponse,
  now: Date,
): Promise<string> {
  const { metadata } = caller;
  const alg = metadata.introspection_signed_response_alg ?? DEFAULT_INTROSPECTION_ALG;
  if (!isSigningAlg(alg)) throw new ClientJoseError(caller.id, `cannot sign an introspection response with ${alg}`);
  const claims = { iss: deps.config.issuer, aud: caller.id, iat: epoch(now), token_introspection: response };
  const jws = await deps.keys.current().sign(claims, { alg, typ: INTROSPECTION_JWT_TYP });
  const encAlg = metadata.introspection_encrypted_response_alg;
  if (encAlg === undefined) return jws;
  return encryptForClient(deps.clientKeys, caller, jws, encAlg, metadata.introspection_encrypted_response_enc);
}
