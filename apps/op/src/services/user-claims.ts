import type { UserRecord } from '../repositories/user-repository.js';

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

/** Standard claims released for the granted scopes (OIDC Core §5.4). */
export function scopeClaims(user: UserRecord, scopes: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes('profile')) claims.name = user.name;
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  return claims;
}

/**
 * The UserInfo response body (OIDC Core §5.3.2): `sub`, the tenant claims, and the claims of
 * the granted scopes. `claimsRequest` is the `userinfo` member of the authorization request's
 * `claims` parameter (§5.5), stored with the access token.
 */
export function userinfoClaims(user: UserRecord, scopes: string[], _claimsRequest?: unknown): Record<string, unknown> {
  return { sub: user.id, ...scopeClaims(user, scopes), ...tenantClaims(user) };
}
