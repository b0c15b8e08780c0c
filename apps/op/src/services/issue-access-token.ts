import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { OpConfig } from '../config.js';
import type { NewAccessToken } from '../repositories/access-token-repository.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { KeyService } from './keys.js';

/** JOSE `typ` of RFC 9068 access tokens (§2.1); verifiers must insist on it. */
export const ACCESS_TOKEN_JWT_TYP = 'at+jwt';

export type AccessTokenFormat = 'jwt' | 'opaque';

/**
 * The format of the client's access tokens: its registered `access_token_format` (an extension
 * member), else the default: **JWT** (RFC 9068) for the client's own tokens (client_credentials:
 * self-contained, nothing stored), **opaque** for tokens that act for a user.
 */
export function accessTokenFormat(client: ClientRecord, forUser: boolean): AccessTokenFormat {
  const registered = client.metadata.access_token_format;
  if (registered === 'jwt' || registered === 'opaque') return registered;
  return forUser ? 'opaque' : 'jwt';
}

export interface IssueAccessTokenDeps {
  config: Pick<OpConfig, 'issuer' | 'ttl' | 'accessTokens'>;
  keys: KeyService;
}

/** The token of a grant that acts for a user: authorization_code, refresh_token, password, the authorization endpoint. */
export interface UserAccessTokenInput {
  client: ClientRecord;
  user: { id: string };
  /** Space-separated granted scope ('' for none). */
  scope: string;
  /** The grant (token family): code replay, refresh reuse and revocation revoke by it. */
  grantId: string;
  /** The OP session (`sid`), or null when the token outlives sessions (offline_access, password grant). */
  sessionId: string | null;
  /** The snapshot of the authentication the grant rests on (a later step-up does not change it). */
  authTime: Date;
  acr: string;
  amr: string[];
  /** `claims.userinfo` of the authorization request, for UserInfo (OIDC Core §5.5). */
  claims: object | null;
  now: Date;
}

/** The client's own token (client_credentials): no user, no grant, no session. */
export interface ClientAccessTokenInput {
  client: ClientRecord;
  user?: undefined;
  scope: string;
  grantId?: null;
  sessionId?: null;
  authTime?: null;
  acr?: null;
  amr?: readonly string[];
  claims?: null;
  now: Date;
}

export interface IssuedAccessToken {
  /** The value handed to the client. */
  value: string;
  format: AccessTokenFormat;
  /** `expires_in` of the token response. */
  expiresIn: number;
  /**
   * The row to store with the grant's other writes (only its SHA-256 for an opaque token, its
   * `jti` for a JWT). Absent for a client's own JWT, which is never stored.
   */
  record?: NewAccessToken;
}

/**
 * Issues an access token for `input.client`, in the client's {@link accessTokenFormat}. Nothing
 * is stored here: the caller stores `record` (when there is one) atomically with the rest of
 * its grant, before handing `value` out.
 *
 * - **opaque**: 256 random bits; the record's id is their SHA-256. Lifetime
 *   `OP_ACCESS_TOKEN_TTL_SECONDS`.
 * - **JWT** (RFC 9068): header `{ typ: "at+jwt", alg, kid }` signed with the OP's active key of
 *   `OP_ACCESS_TOKEN_SIGNING_ALG`; claims `iss`, `sub` (the user, or the client id for the
 *   client's own token, §2.2), `aud` (`OP_ACCESS_TOKEN_AUDIENCE`, the issuer by default, §3),
 *   `client_id`, `iat`, `exp`, `jti`, `scope`, and for a user `auth_time`, `acr`, `amr`
 *   (§2.2.1, RFC 9470 §6.1) and `sid`. Lifetime `OP_JWT_ACCESS_TOKEN_TTL_SECONDS`. A user's JWT
 *   is recorded by its `jti`, so that it can still be revoked for UserInfo and introspection.
 *
 * @example
 * ```ts
 * const at = await issueAccessToken(deps, { client, user, scope, grantId, sessionId, authTime, acr, amr, claims: null, now });
 * await repos.authorizationResponses.store({ accessToken: at.record, … });
 * response.access_token = at.value; response.expires_in = at.expiresIn;
 * ```
 */
export function issueAccessToken(
  deps: IssueAccessTokenDeps,
  input: UserAccessTokenInput,
): Promise<IssuedAccessToken & { record: NewAccessToken }>;
export function issueAccessToken(deps: IssueAccessTokenDeps, input: ClientAccessTokenInput): Promise<IssuedAccessToken>;
export async function issueAccessToken(
  deps: IssueAccessTokenDeps,
  input: UserAccessTokenInput | ClientAccessTokenInput,
): Promise<IssuedAccessToken> {
  const { client, now } = input;
  const user = input.user;
  const format = accessTokenFormat(client, user !== undefined);
  const expiresIn = format === 'jwt' ? deps.config.ttl.jwtAccessToken : deps.config.ttl.accessToken;
  const nowMs = now.getTime();
  const expiresAt = new Date(nowMs + expiresIn * 1000);

  let value: string;
  let id: string;
  if (format === 'opaque') {
    value = randomToken(32);
    id = sha256Base64Url(value);
  } else {
    id = randomToken(32);
    const iat = Math.floor(nowMs / 1000);
    const claims: Record<string, unknown> = {
      iss: deps.config.issuer,
      sub: user?.id ?? client.id,
      aud: deps.config.accessTokens.audience,
      client_id: client.id,
      iat,
      exp: iat + expiresIn,
      jti: id,
    };
    if (input.scope !== '') claims.scope = input.scope;
    if (user !== undefined) {
      const auth = input as UserAccessTokenInput;
      claims.auth_time = Math.floor(auth.authTime.getTime() / 1000);
      claims.acr = auth.acr;
      if (auth.amr.length > 0) claims.amr = auth.amr;
      if (auth.sessionId !== null) claims.sid = auth.sessionId;
    }
    value = await deps.keys.current().sign(claims, { alg: deps.config.accessTokens.signingAlg, typ: ACCESS_TOKEN_JWT_TYP });
  }

  if (user === undefined && format === 'jwt') return { value, format, expiresIn };
  const record: NewAccessToken = {
    id,
    grantId: input.grantId ?? null,
    clientId: client.id,
    userId: user?.id ?? null,
    sessionId: input.sessionId ?? null,
    scope: input.scope,
    authTime: input.authTime ?? null,
    acr: input.acr ?? null,
    amr: [...(input.amr ?? [])],
    claims: input.claims ?? null,
    expiresAt: format === 'jwt' ? new Date(Math.floor(nowMs / 1000) * 1000 + expiresIn * 1000) : expiresAt,
    createdAt: now,
  };
  return { value, format, expiresIn, record };
}
