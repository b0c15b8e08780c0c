import type { AcrRanking } from './acr-policy.js';

/** What a sensitive action needs: an acr at least this strong, and optionally a recent login. */
export interface StepUpRequirement {
  acr: string;
  /** Seconds: the authentication must be at most this old. */
  maxAge?: number;
}

/** The ID token claims a step-up decision rests on. */
export interface AuthenticationClaims {
  sub: string;
  acr?: string;
  auth_time?: number;
}

export type StepUpFailure = 'sub_mismatch' | 'acr_too_weak' | 'auth_time_missing' | 'auth_too_old';

export type StepUpDecision = { ok: true } | { ok: false; reason: StepUpFailure; requirement: StepUpRequirement };

export interface CheckStepUpOptions {
  ranking: AcrRanking;
  /** The subject of the session being stepped up; a token for anyone else is refused. */
  expectedSub?: string;
  now?: Date;
  /** Allowed clock skew for `auth_time`, seconds (default 60, the digest's maximum). */
  clockSkewSeconds?: number;
}

/**
 * Decides whether an authentication meets a requirement (OIDC Core §3.1.3.7, step-up digest
 * §7): same subject, an acr ranked at least as strong, and — when `maxAge` is set — an
 * `auth_time` no older than `maxAge` (plus skew). Pure: no I/O.
 *
 * @example
 * const decision = checkStepUp(idTokenClaims, { acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 }, { ranking, expectedSub });
 * if (!decision.ok) redirectToStepUp(decision.requirement);
 */
export function checkStepUp(
  claims: AuthenticationClaims,
  requirement: StepUpRequirement,
  options: CheckStepUpOptions,
): StepUpDecision {
  const fail = (reason: StepUpFailure): StepUpDecision => ({ ok: false, reason, requirement });
  if (options.expectedSub !== undefined && claims.sub !== options.expectedSub) return fail('sub_mismatch');
  if (!options.ranking.satisfies(claims.acr, requirement.acr)) return fail('acr_too_weak');
  if (requirement.maxAge !== undefined) {
    if (typeof claims.auth_time !== 'number') return fail('auth_time_missing');
    const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const skew = options.clockSkewSeconds ?? 60;
    if (now - claims.auth_time > requirement.maxAge + skew) return fail('auth_too_old');
  }
  return { ok: true };
}
