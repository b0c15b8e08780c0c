/** The lifecycle states of an account at the RP (ISO/IEC 24760-1). */
export type AccountState = 'unknown' | 'active' | 'suspended' | 'archived';

/** Draft 02 account commands; each also exists with `_async` appended. */
export const ACCOUNT_COMMANDS = [
  'activate',
  'maintain',
  'suspend',
  'reactivate',
  'archive',
  'restore',
  'delete',
  'invalidate',
  'audit',
  'migrate',
] as const;
export type AccountCommand = (typeof ACCOUNT_COMMANDS)[number];

/** Draft 02 tenant commands; all but `metadata` answer with an SSE stream. */
export const TENANT_COMMANDS = ['metadata', 'audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant'] as const;
export type TenantCommand = (typeof TENANT_COMMANDS)[number];
export type StreamingCommand = Exclude<TenantCommand, 'metadata'>;

/** Draft 00 names accepted on input and mapped to draft 02 (never advertised). */
export const DRAFT_00_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  unauthorize: 'invalidate',
  unauthorize_tenant: 'invalidate_tenant',
  unauthorize_async: 'invalidate_async',
});

export function isAccountCommand(name: string): name is AccountCommand {
  return (ACCOUNT_COMMANDS as readonly string[]).includes(name);
}

export function isTenantCommand(name: string): name is TenantCommand {
  return (TENANT_COMMANDS as readonly string[]).includes(name);
}

export function isStreamingCommand(name: string): name is StreamingCommand {
  return name !== 'metadata' && isTenantCommand(name);
}
