import {
  ACCOUNT_COMMANDS,
  DRAFT_00_ALIASES as ALIASES,
  type AccountCommand,
  type AccountState,
  type TenantCommand,
} from '@oidc-ref/token-schemas';

// The vocabulary lives in @oidc-ref/token-schemas (shared with the RP side); re-exported here.
export { ACCOUNT_COMMANDS, STREAMING_COMMANDS, TENANT_COMMANDS, isStreamingCommand, isTenantCommand } from '@oidc-ref/token-schemas';
export type { AccountCommand, AccountState, TenantCommand } from '@oidc-ref/token-schemas';

/** Every account command also exists with `_async` appended (§5.2). */
export type AsyncAccountCommand = `${AccountCommand}_async`;

export type CommandName = AccountCommand | AsyncAccountCommand | TenantCommand;

/** Draft 00 names an RP may still send back in `commands_supported` (§13). */
export const DRAFT_00_ALIASES = ALIASES as Readonly<Record<string, CommandName>>;

export function isAccountCommand(name: string): name is AccountCommand | AsyncAccountCommand {
  const base = name.endsWith('_async') ? name.slice(0, -'_async'.length) : name;
  return (ACCOUNT_COMMANDS as readonly string[]).includes(base);
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
