/**
 * The standard claims each scope value requests (OIDC Core §5.4). The OP holds values for some
 * of them only (see user-claims.ts); the rest are never emitted, since a claim without a value
 * is left out.
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
});

/** The scope whose consent covers a standard claim, if any (`name` → `profile`). */
export function scopeOfClaim(claim: string): string | undefined {
  return Object.keys(SCOPE_CLAIMS).find((scope) => SCOPE_CLAIMS[scope]!.includes(claim));
}
