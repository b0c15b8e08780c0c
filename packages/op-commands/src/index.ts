/**
 * `@oidc-ref/op-commands`: the OpenID Provider's side of OpenID Provider Commands (draft 02):
 * mint command tokens, deliver them, interpret the RP's answers, read SSE streams.
 *
 * @packageDocumentation
 */
export {
  ACCOUNT_COMMANDS,
  DRAFT_00_ALIASES,
  STREAMING_COMMANDS,
  TENANT_COMMANDS,
  baseCommand,
  isAccountCommand,
  isStreamingCommand,
  isTenantCommand,
  targetState,
} from './commands.js';
export type { AccountCommand, AccountState, AsyncAccountCommand, CommandName, TenantCommand } from './commands.js';
export { CommandError } from './errors.js';
export type { CommandErrorCode } from './errors.js';
export { commandTokenClaims, draft00NameOf, mintCommandToken } from './mint.js';
export type { CommandSigner, CommandTokenInput } from './mint.js';
export { deliverCommand, interpretCommandResponse, readJsonAnswer } from './deliver.js';
export type { CommandOutcome, DeliverOptions } from './deliver.js';
export { openCommandStream, parseEventStream, readCommandStream } from './sse.js';
export type { AccountStateEvent, CommandStreamResult, OpenStreamOptions, ServerSentEvent } from './sse.js';
