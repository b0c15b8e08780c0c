/**
 * `@oidc-ref/rp-kit`: what an RP needs beyond sign-in, framework-free. Step-up checks, RFC 9470
 * challenges, the receiving side of OpenID Provider Commands (verify, state machine, SSE), and
 * back-channel logout-token verification.
 *
 * @packageDocumentation
 */
export { acrRanking } from './step-up/acr-policy.js';
export type { AcrRanking } from './step-up/acr-policy.js';
export { checkStepUp } from './step-up/check-step-up.js';
export type {
  AuthenticationClaims,
  CheckStepUpOptions,
  StepUpDecision,
  StepUpFailure,
  StepUpRequirement,
} from './step-up/check-step-up.js';
export { insufficientUserAuthentication, parseInsufficientUserAuthentication } from './step-up/challenge.js';
export type { StepUpChallenge } from './step-up/challenge.js';
export { CommandError } from './commands/errors.js';
export type { CommandErrorCode } from './commands/errors.js';
export {
  ACCOUNT_COMMANDS,
  DRAFT_00_ALIASES,
  STREAMING_COMMANDS,
  TENANT_COMMANDS,
  isAccountCommand,
  isStreamingCommand,
  isTenantCommand,
} from './commands/names.js';
export type { AccountCommand, AccountState, StreamingCommand, TenantCommand } from './commands/names.js';
export { nextState } from './commands/state-machine.js';
export type { Transition } from './commands/state-machine.js';
export { RawJson, SseBatchWriter, formatEvent, writeEvent } from './commands/sse.js';
export type { EventSink, ServerSentEvent, SseBatchWriterOptions } from './commands/sse.js';
export { DEFAULT_COMMAND_ALGS, cachedJwks, verifyCommandToken } from './commands/verify.js';
export type { JsonWebKeySet } from '@oidc-ref/crypto';
export type { CommandProvider, ReplayStore, VerifiedCommand, VerifyCommandTokenOptions } from './commands/verify.js';
export type { AccountStore, CommandContext, StoredAccount } from './commands/store.js';
export { MemoryAccountStore, MemoryReplayStore } from './commands/memory.js';
export { applyAccountCommand, profileClaims, runTenantCommand } from './commands/apply.js';
export type { AccountCommandResult, TenantStreamItem } from './commands/apply.js';
export { LogoutTokenError } from './logout/errors.js';
export type { LogoutTokenErrorCode } from './logout/errors.js';
export { BACKCHANNEL_LOGOUT_EVENT, DEFAULT_LOGOUT_ALGS, verifyLogoutToken } from './logout/verify.js';
export type { JwksLoader, LogoutReplayStore, VerifiedLogoutToken, VerifyLogoutTokenOptions } from './logout/verify.js';
