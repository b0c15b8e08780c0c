import { CryptoError, sha256Base64Url } from '@oidc-ref/crypto';
import { UnsupportedTokenType } from '../errors.js';
import type { AccessTokenRepository } from '../repositories/access-token-repository.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { GrantRepository } from '../repositories/grant-repository.js';
import type { RefreshTokenRepository } from '../repositories/refresh-token-repository.js';
import { ACCESS_TOKEN_JWT_TYP } from './issue-access-token.js';
import type { TokenTypeHint } from './introspect-token.js';
import type { KeyService } from './keys.js';
import { looksLikeJwt, verifyAccessTokenJwt } from './read-access-token.js';

export interface RevocationDeps {
  config: { issuer: string };
  keys: KeyService;
  repos: { accessTokens: AccessTokenRepository; refreshTokens: RefreshTokenRepository; grants: GrantRepository };
}

/** What a revocation did (for logs and tests; the client always gets the same 200). */
export type RevocationOutcome = 'grant-revoked' | 'token-revoked' | 'jwt-denied' | 'nothing';

/**
 * RFC 7009 §2.1 for a token presented by `caller`. The rule: **revoking any token of a grant
 * revokes the whole grant** — every access token and refresh token issued from the same
 * authorization (RFC 7009 allows it for access tokens and asks it for refresh tokens; it is
 * what oidc-provider does). So:
 *
 * - a refresh token, or an access token of a user grant (opaque, or a JWT recorded by `jti`):
 *   its grant is revoked;
 * - an opaque access token of no grant (client_credentials registered `opaque`): that token;
 * - a client's own JWT access token (client_credentials, never stored): its `jti` goes on the
 *   deny list until it expires — introspection refuses it at once; a resource server that
 *   validates the JWT locally accepts it until `exp` (`OP_JWT_ACCESS_TOKEN_TTL_SECONDS`);
 * - a token of another client, an unknown, expired or already revoked token: nothing
 *   (the endpoint still answers 200, revealing nothing).
 *
 * @throws {@link UnsupportedTokenType} for a JWT of this OP that is not an access token (an ID
 *   token, say): there is nothing in it to revoke (RFC 7009 §2.2.1).
 */
export async function revokeToken(
  deps: RevocationDeps,
  caller: ClientRecord,
  input: { token: string; hint?: TokenTypeHint; now: Date },
): Promise<RevocationOutcome> {
  const { token, now } = input;
  if (looksLikeJwt(token)) return revokeJwt(deps, caller, token, now);
  const id = sha256Base64Url(token);
  const lookups =
    input.hint === 'refresh_token'
      ? [() => revokeRefreshToken(deps, caller, id, now), () => revokeStoredAccessToken(deps, caller, id, now)]
      : [() => revokeStoredAccessToken(deps, caller, id, now), () => revokeRefreshToken(deps, caller, id, now)];
  for (const lookup of lookups) {
    const outcome = await lookup();
    if (outcome !== undefined) return outcome;
  }
  return 'nothing';
}

/** undefined: no access token with that id. */
async function revokeStoredAccessToken(deps: RevocationDeps, caller: ClientRecord, id: string, now: Date) {
  const record = await deps.repos.accessTokens.findById(id);
  if (!record) return undefined;
  if (record.clientId !== caller.id || record.revokedAt !== null || record.expiresAt <= now) return 'nothing';
  if (record.grantId !== null) {
    await deps.repos.grants.revokeGrant(record.grantId, now);
    return 'grant-revoked';
  }
  await deps.repos.accessTokens.revoke(record.id, now);
  return 'token-revoked';
}

/** undefined: no refresh token with that id. */
async function revokeRefreshToken(deps: RevocationDeps, caller: ClientRecord, id: string, now: Date) {
  const record = await deps.repos.refreshTokens.findById(id);
  if (!record) return undefined;
  // A consumed (rotated) token still names its family: revoking it ends the family too.
  if (record.clientId !== caller.id || record.revokedAt !== null || record.expiresAt <= now) return 'nothing';
  await deps.repos.grants.revokeGrant(record.familyId, now);
  return 'grant-revoked';
}

async function revokeJwt(deps: RevocationDeps, caller: ClientRecord, token: string, now: Date): Promise<RevocationOutcome> {
  const claims = await verifyAccessTokenJwt(deps, token, now);
  if (!claims) {
    if (await isOtherJwtOfThisOp(deps, token)) throw new UnsupportedTokenType('only access and refresh tokens can be revoked');
    return 'nothing';
  }
  if (claims.client_id !== caller.id) return 'nothing';
  const jti = claims.jti as string;
  const record = await deps.repos.accessTokens.findById(jti);
  if (record) return (await revokeStoredAccessToken(deps, caller, record.id, now)) ?? 'nothing';
  if (claims.auth_time !== undefined) return 'nothing'; // a user's JWT whose record is gone: dead already
  await deps.repos.accessTokens.denyJwt(
    { id: jti, clientId: caller.id, scope: typeof claims.scope === 'string' ? claims.scope : '', expiresAt: new Date((claims.exp as number) * 1000) },
    now,
  );
  return 'jwt-denied';
}

/**
 * A JWT that this OP signed (any of its published keys, expired or not) but that is not an
 * access token: an ID token, a logout token… Anyone can check this against the public JWKS, so
 * saying so reveals nothing.
 */
async function isOtherJwtOfThisOp(deps: Pick<RevocationDeps, 'config' | 'keys'>, token: string): Promise<boolean> {
  try {
    const { header } = await deps.keys.current().verify(token, { issuer: deps.config.issuer, allowExpired: true });
    return header.typ?.toLowerCase().replace(/^application\//, '') !== ACCESS_TOKEN_JWT_TYP;
  } catch (err) {
    if (err instanceof CryptoError) return false;
    throw err;
  }
}
