/**
 * `@oidc-ref/rp-kit`: what an RP needs beyond sign-in, framework-free. Step-up checks and RFC 9470
 * challenges today; command-token and logout-token receivers follow.
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
