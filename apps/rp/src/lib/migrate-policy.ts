/** What `authentication_provider` an account has at the RP (OpenID Provider Commands §5.4). */
export const AUTHENTICATION_PROVIDERS = ['rp', 'op', 'op_migration', 'external'] as const;
export type AuthenticationProvider = (typeof AUTHENTICATION_PROVIDERS)[number];

export function isAuthenticationProvider(value: unknown): value is AuthenticationProvider {
  return typeof value === 'string' && (AUTHENTICATION_PROVIDERS as readonly string[]).includes(value);
}

export type MigrateVerdict = 'ok' | 'access_denied' | 'authentication_not_transferable';

export interface MigrateVerdictInput {
  /** The account's current provider. */
  current: AuthenticationProvider;
  /** The account's email, if any. */
  email: string | null;
  /** The `domains` of the tenant's latest stored OP metadata. */
  opMetadata: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The lower-cased string entries of the stored OP metadata's `domains`. */
export function opDomainsOf(metadata: unknown): string[] {
  if (!isRecord(metadata) || !Array.isArray(metadata['domains'])) return [];
  return metadata['domains'].filter((value): value is string => typeof value === 'string' && value !== '').map((value) => value.toLowerCase());
}

/** The domain part of an email address, lower-cased; `null` without exactly one `@`. */
export function emailDomain(email: string | null): string | null {
  if (email === null) return null;
  const parts = email.split('@');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return null;
  return (parts[1] ?? '').toLowerCase();
}

/**
 * The RP's `migrate` policy (digest §9 [rec]), for an account already known to be `active`:
 * an account bound to an external IdP cannot be moved (409 `authentication_not_transferable`);
 * otherwise the move is allowed only when the account's email domain is **exactly** one of the
 * tenant's OP-published `domains` (no subdomain matching: `evil.acme.example` is not
 * `acme.example`), else 403 `access_denied`.
 */
export function migrateVerdict({ current, email, opMetadata }: MigrateVerdictInput): MigrateVerdict {
  if (current === 'external') return 'authentication_not_transferable';
  const domain = emailDomain(email);
  if (domain === null || !opDomainsOf(opMetadata).includes(domain)) return 'access_denied';
  return 'ok';
}
