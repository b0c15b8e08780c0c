/**
 * The vocabulary of OpenID Provider Commands (draft 02): command names and account states,
 * shared by the OP side (`@oidc-ref/op-commands`) and the RP side (`@oidc-ref/rp-kit`).
 */

/** Account lifecycle commands (§2, §5); each also exists with `_async` appended (§5.2). */
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

/** Tenant commands (§6): `metadata` answers JSON, the others stream Server-Sent Events. */
export const TENANT_COMMANDS = ['metadata', 'audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant'] as const;
export type TenantCommand = (typeof TENANT_COMMANDS)[number];
export type StreamingCommand = Exclude<TenantCommand, 'metadata'>;
export const STREAMING_COMMANDS: readonly StreamingCommand[] = ['audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant'];

/** Account states (ISO/IEC 24760-1 lifecycle, §2). */
export type AccountState = 'unknown' | 'active' | 'suspended' | 'archived';

/** Draft 00 names, accepted on input and mapped to draft 02 (never advertised, §13). */
export const DRAFT_00_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  unauthorize: 'invalidate',
  unauthorize_async: 'invalidate_async',
  unauthorize_tenant: 'invalidate_tenant',
});

export function isTenantCommand(name: string): name is TenantCommand {
  return (TENANT_COMMANDS as readonly string[]).includes(name);
}

export function isStreamingCommand(name: string): name is StreamingCommand {
  return (STREAMING_COMMANDS as readonly string[]).includes(name);
}
