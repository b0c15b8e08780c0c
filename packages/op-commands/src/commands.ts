/** Account lifecycle commands of OpenID Provider Commands draft 02 (§2, §5). */
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
/** Every account command also exists with `_async` appended (§5.2). */
export type AsyncAccountCommand = `${AccountCommand}_async`;

/** Tenant commands (§6): `metadata` answers JSON, the others stream Server-Sent Events. */
export const TENANT_COMMANDS = ['metadata', 'audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant'] as const;
export type TenantCommand = (typeof TENANT_COMMANDS)[number];
export const STREAMING_COMMANDS: readonly TenantCommand[] = ['audit_tenant', 'suspend_tenant', 'archive_tenant', 'delete_tenant', 'invalidate_tenant'];

export type CommandName = AccountCommand | AsyncAccountCommand | TenantCommand;

export type AccountState = 'unknown' | 'active' | 'suspended' | 'archived';

/** Draft 00 names an RP may still send back in `commands_supported` (§13). */
export const DRAFT_00_ALIASES: Readonly<Record<string, CommandName>> = Object.freeze({
  unauthorize: 'invalidate',
  unauthorize_tenant: 'invalidate_tenant',
});

export function isAccountCommand(name: string): name is AccountCommand | AsyncAccountCommand {
  const base = name.endsWith('_async') ? name.slice(0, -'_async'.length) : name;
  return (ACCOUNT_COMMANDS as readonly string[]).includes(base);
}

export function isTenantCommand(name: string): name is TenantCommand {
  return (TENANT_COMMANDS as readonly string[]).includes(name);
}

export function isStreamingCommand(name: string): boolean {
  return (STREAMING_COMMANDS as readonly string[]).includes(name);
}

/** The command without its `_async` suffix. */
export function baseCommand(name: AccountCommand | AsyncAccountCommand): AccountCommand {
  return (name.endsWith('_async') ? name.slice(0, -'_async'.length) : name) as AccountCommand;
}

/**
 * The account state a successful command leaves (§2); undefined for commands that leave it
 * unchanged (`audit`, `migrate`, `maintain`, `invalidate`).
 */
export function targetState(command: AccountCommand | AsyncAccountCommand): AccountState | undefined {
  switch (baseCommand(command)) {
    case 'activate':
    case 'reactivate':
    case 'restore':
      return 'active';
    case 'suspend':
      return 'suspended';
    case 'archive':
      return 'archived';
    case 'delete':
      return 'unknown';
    default:
      return undefined;
  }
}
