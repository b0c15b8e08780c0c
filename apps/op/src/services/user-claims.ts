import type { UserRecord } from '../repositories/user-repository.js';
import { readStoredClaimMembers, readStoredClaimsRequest, type ClaimRequestMembers } from './claims-request.js';
import { SCOPE_CLAIMS } from './standard-claims.js';

/** The value of the `tenant` claim for users who belong to no organisation. */
export const PERSONAL_TENANT = 'personal';

/**
 * The tenant claims, in every ID token and userinfo response: `tenant` is the organisation's
 * stable id (or `personal`), `tenant_name` its display name. The same `tenant` value names the
 * tenant in OpenID Provider Commands.
 */
export function tenantClaims(user: UserRecord): { tenant: string; tenant_name: string } {
  return user.organization
    ? { tenant: user.organization.id, tenant_name: user.organization.name }
    : { tenant: PERSONAL_TENANT, tenant_name: 'Personal' };
}

/** The standard claims the OP holds a value for (OIDC Core §5.1). */
const CLAIM_VALUES: Readonly<Record<string, (user: UserRecord) => unknown>> = Object.freeze({
  name: (user) => user.name,
  email: (user) => user.email,
  email_verified: (user) => user.emailVerified,
});

/** Claims with no value are left out entirely, never `null` or `""` (OIDC Core §5.3.2). */
function release(user: UserRecord, names: Iterable<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const name of names) {
    const value = Object.hasOwn(CLAIM_VALUES, name) ? CLAIM_VALUES[name]!(user) : undefined;
    if (value !== undefined && value !== null && value !== '') claims[name] = value;
  }
  return claims;
}

/** Standard claims released for the granted scopes (OIDC Core §5.4). */
export function scopeClaims(user: UserRecord, scopes: string[]): Record<string, unknown> {
  return release(
    user,
    scopes.flatMap((scope) => (Object.hasOwn(SCOPE_CLAIMS, scope) ? SCOPE_CLAIMS[scope]! : [])),
  );
}

/**
 * Standard claims named in one member of a `claims` request (OIDC Core §5.5), whatever the
 * scopes: consent for them was obtained with the scopes they belong to. `essential`, `value`
 * and `values` do not change what is released (a value is what the OP holds, §5.5.1).
 */
export function requestedClaims(user: UserRecord, members: ClaimRequestMembers | undefined): Record<string, unknown> {
  return release(user, Object.keys(members ?? {}));
}

/**
 * The UserInfo response body (OIDC Core §5.3.2): `sub`, the tenant claims, and the claims of
 * the granted scopes. `claimsRequest` is the `userinfo` member of the authorization request's
 * `claims` parameter (§5.5), stored with the access token; its standard claims are released too.
 */
export function userinfoClaims(user: UserRecord, scopes: string[], claimsRequest?: unknown): Record<string, unknown> {
  return {
    sub: user.id,
    ...scopeClaims(user, scopes),
    ...requestedClaims(user, readStoredClaimMembers(claimsRequest)),
    ...tenantClaims(user),
  };
}

/**
 * The user claims of an ID token, for `mintIdToken`'s `extraClaims`: those requested by the
 * `id_token` member of the claims request (`claimsRequest` is the whole stored request, e.g. an
 * authorization code's `claims`), plus the scope claims when `scopes` is given, which is the
 * case only when no access token is issued (`response_type=id_token`, OIDC Core §5.4).
 *
 * @example
 * ```ts
 * extraClaims: idTokenUserClaims(user, { claimsRequest: record.claims })
 * ```
 */
export function idTokenUserClaims(user: UserRecord, options: { claimsRequest?: unknown; scopes?: string[] }): Record<string, unknown> {
  return {
    ...(options.scopes ? scopeClaims(user, options.scopes) : {}),
    ...requestedClaims(user, readStoredClaimsRequest(options.claimsRequest)?.id_token),
  };
}
