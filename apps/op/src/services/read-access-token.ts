import { CryptoError, sha256Base64Url } from '@oidc-ref/crypto';
import type { AccessTokenRecord, AccessTokenRepository } from '../repositories/access-token-repository.js';
import { ACCESS_TOKEN_JWT_TYP, type AccessTokenFormat } from './issue-access-token.js';
import type { KeyService } from './keys.js';

/** A live access token as UserInfo, introspection and revocation see it, whatever its format. */
export interface LiveAccessToken {
  format: AccessTokenFormat;
  /** The row key: SHA-256 of an opaque value, or a JWT's `jti`. */
  id: string;
  /** The `jti` of a JWT. */
  jti?: string;
  clientId: string;
  /** null for a client's own token (client_credentials). */
  userId: string | null;
  grantId: string | null;
  sessionId: string | null;
  scope: string;
  authTime: Date | null;
  acr: string | null;
  amr: string[];
  /** `claims.userinfo` of the authorization request (stored tokens only). */
  claims: unknown;
  issuedAt: Date;
  expiresAt: Date;
  /** A JWT's `aud`. */
  audience?: string | string[];
}

export interface ReadAccessTokenDeps {
  config: { issuer: string };
  keys: KeyService;
  repos: { accessTokens: AccessTokenRepository };
}

/** Compact JWS: three base64url parts. Opaque tokens are one base64url string (no dots). */
export const looksLikeJwt = (token: string) => token.split('.').length === 3;

/** The claims this OP's RFC 9068 tokens always carry. */
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'];

/**
 * A verified JWT access token of this OP (RFC 9068 §4): signed by one of the OP's published
 * keys (staged, active or retired), `typ` `at+jwt` (so an ID token or any other JWT of the OP
 * is never taken for an access token), our `iss`, unexpired, with every claim we issue. Null for
 * anything else.
 */
export async function verifyAccessTokenJwt(
  deps: Pick<ReadAccessTokenDeps, 'config' | 'keys'>,
  token: string,
  now: Date,
): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await deps.keys.current().verify(token, {
      issuer: deps.config.issuer,
      typ: ACCESS_TOKEN_JWT_TYP,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: now,
    });
    if (typeof payload.jti !== 'string' || typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') return null;
    return payload;
  } catch (err) {
    if (err instanceof CryptoError) return null;
    throw err;
  }
}

/**
 * A JWT for a user carries `auth_time` (every user grant sets it); the client's own token
 * (client_credentials) has none and names the client as `sub` (RFC 9068 §2.2).
 */
const isClientJwt = (claims: Record<string, unknown>) => claims.auth_time === undefined && claims.sub === claims.client_id;

const fromRecord = (record: AccessTokenRecord, format: AccessTokenFormat): LiveAccessToken => ({
  format,
  id: record.id,
  ...(format === 'jwt' && { jti: record.id }),
  clientId: record.clientId,
  userId: record.userId,
  grantId: record.grantId,
  sessionId: record.sessionId,
  scope: record.scope,
  authTime: record.authTime,
  acr: record.acr,
  amr: record.amr,
  claims: record.claims,
  issuedAt: record.createdAt,
  expiresAt: record.expiresAt,
});

const seconds = (value: unknown) => new Date((value as number) * 1000);

/**
 * Reads a presented access token and tells whether it is live, whatever its format:
 *
 * - opaque: its SHA-256 names a stored row that is neither revoked nor expired;
 * - a user's JWT: it verifies (see {@link verifyAccessTokenJwt}) **and** the row recorded under
 *   its `jti` is still live and agrees with it (revocation, logout and grant revocation reach
 *   JWTs this way);
 * - the client's own JWT (client_credentials, never stored): it verifies and its `jti` is not
 *   on the deny list (a revoked row, written by the revocation endpoint).
 *
 * Null for anything else: unknown, expired, revoked, or not ours.
 */
export async function readAccessToken(deps: ReadAccessTokenDeps, token: string, now: Date): Promise<LiveAccessToken | null> {
  if (!looksLikeJwt(token)) {
    const record = await deps.repos.accessTokens.findLive(sha256Base64Url(token), now);
    return record ? fromRecord(record, 'opaque') : null;
  }
  const claims = await verifyAccessTokenJwt(deps, token, now);
  if (!claims) return null;
  const jti = claims.jti as string;
  const record = await deps.repos.accessTokens.findById(jti);
  if (isClientJwt(claims)) {
    if (record && (record.revokedAt !== null || record.clientId !== claims.client_id)) return null;
    return {
      format: 'jwt',
      id: jti,
      jti,
      clientId: claims.client_id as string,
      userId: null,
      grantId: null,
      sessionId: null,
      scope: typeof claims.scope === 'string' ? claims.scope : '',
      authTime: null,
      acr: null,
      amr: [],
      claims: null,
      issuedAt: seconds(claims.iat),
      expiresAt: seconds(claims.exp),
      audience: claims.aud as string | string[],
    };
  }
  if (!record || record.revokedAt !== null || record.expiresAt <= now) return null;
  if (record.clientId !== claims.client_id || record.userId !== claims.sub) return null;
  return { ...fromRecord(record, 'jwt'), issuedAt: seconds(claims.iat), audience: claims.aud as string | string[] };
}
