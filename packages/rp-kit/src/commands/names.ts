import { ACCOUNT_COMMANDS, type AccountCommand } from '@oidc-ref/token-schemas';

// The vocabulary lives in @oidc-ref/token-schemas (shared with the OP side); re-exported here.
export {
  ACCOUNT_COMMANDS,
  DRAFT_00_ALIASES,
  STREAMING_COMMANDS,
  TENANT_COMMANDS,
  isStreamingCommand,
  isTenantCommand,
} from '@oidc-ref/token-schemas';
export type { AccountCommand, AccountState, StreamingCommand, TenantCommand } from '@oidc-ref/token-schemas';

export function isAccountCommand(name: string): name is AccountCommand {
  return (ACCOUNT_COMMANDS as readonly string[]).includes(name);
}
