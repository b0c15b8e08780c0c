// Which authentication a request needs, per the step-up digest §10 (OPENAM-10989): each acr
// level is a chain of methods; a request is answered with the first requested level the user
// can reach, asking only for the factors of that chain that are missing or stale.
import type { AcrLevel } from '../repositories/acr-level-repository.js';
import type { SessionFactor } from '../repositories/session-repository.js';

/** Methods a user can set up during a sign-in when a requested level needs them. */
export const ENROLLABLE_METHODS: ReadonlySet<string> = new Set(['otp']);

/** RFC 8176 values of each method. */
const AMR: Readonly<Record<string, string[]>> = { pwd: ['pwd'], otp: ['otp'] };

export interface AcrRequest {
  values: string[];
  /** Essential (claims parameter) or voluntary (acr_values, default_acr_values). */
  essential: boolean;
}

export interface PlanInput {
  /** Weakest first. */
  levels: readonly AcrLevel[];
  requested?: AcrRequest;
  /** Methods the user has; undefined while the user is not known yet (no session). */
  enrolled?: ReadonlySet<string>;
  factors: readonly SessionFactor[];
  maxAge?: number;
  /** prompt=login, prompt=select_account or max_age=0: every factor must be redone. */
  forceLogin: boolean;
  /** The current request's interaction: factors completed in it are always fresh. */
  interactionId?: string;
  /**
   * Whether a missing method may be set up now: not under prompt=none, not once declined.
   * Without it, an essential level the user cannot reach is unmet, a voluntary one is dropped.
   */
  allowEnrolment: boolean;
  now: Date;
}

export interface AuthenticationResult {
  acr: string;
  amr: string[];
  authTime: Date;
}

export type Plan =
  | { kind: 'satisfied'; result: AuthenticationResult }
  | { kind: 'authenticate'; acr: string; method: string }
  | { kind: 'enroll'; acr: string; method: string }
  | { kind: 'unmet'; reason: string };

export function planAuthentication(input: PlanInput): Plan {
  const { levels, requested, enrolled } = input;
  const can = (level: AcrLevel) => enrolled === undefined || level.chain.every((method) => enrolled.has(method));
  const freshFactor = (method: string) => latestFresh(input, method);

  let target: AcrLevel | undefined;
  if (requested) {
    const known = requested.values
      .map((value) => levels.find((level) => level.acr === value))
      .filter((level): level is AcrLevel => level !== undefined);
    target = known.find(can);
    if (!target) {
      const first = known[0];
      const lacking = first?.chain.find((method) => !enrolled?.has(method));
      if (input.allowEnrolment && first && lacking !== undefined && ENROLLABLE_METHODS.has(lacking)) {
        return { kind: 'enroll', acr: first.acr, method: lacking };
      }
      if (requested.essential) {
        return { kind: 'unmet', reason: known.length ? 'the account has no method for the requested acr' : 'no requested acr is offered' };
      }
      // A voluntary request that cannot be met gets the session's level (OIDC Core §5.5.1.1):
      // the RP must check the acr it receives.
    }
  }
  // Nothing requested: the strongest level the session already meets, else the weakest.
  target ??= [...levels].reverse().find((level) => can(level) && level.chain.every((m) => freshFactor(m))) ?? levels[0];
  if (!target) return { kind: 'unmet', reason: 'no authentication level is configured' };

  const missing = target.chain.find((method) => !freshFactor(method));
  if (missing !== undefined) return { kind: 'authenticate', acr: target.acr, method: missing };

  const used = target.chain.map((method) => freshFactor(method)!);
  const amr = [...new Set(target.chain.flatMap((method) => AMR[method] ?? [method]))];
  if (new Set(target.chain).size >= 2) amr.push('mfa');
  const authTime = new Date(Math.max(...used.map((factor) => factor.completedAt.getTime())));
  return { kind: 'satisfied', result: { acr: target.acr, amr, authTime } };
}

/** The most recent factor of `method` that still counts for this request, if any. */
function latestFresh(input: PlanInput, method: string): SessionFactor | undefined {
  const candidates = input.factors.filter((factor) => factor.method === method);
  const newest = (factors: SessionFactor[]) =>
    factors.reduce<SessionFactor | undefined>((best, factor) => (best === undefined || factor.completedAt >= best.completedAt ? factor : best), undefined);
  const thisRequest = newest(candidates.filter((factor) => input.interactionId !== undefined && factor.interactionId === input.interactionId));
  if (thisRequest) return thisRequest;
  const latest = newest(candidates);
  if (!latest || input.forceLogin) return undefined;
  if (input.maxAge !== undefined && input.now.getTime() - latest.completedAt.getTime() > input.maxAge * 1000) return undefined;
  return latest;
}

/** The best level a set of factors meets right now (for the session's summary). */
export function bestLevel(levels: readonly AcrLevel[], factors: readonly SessionFactor[]): AcrLevel | undefined {
  const methods = new Set(factors.map((factor) => factor.method));
  return [...levels].reverse().find((level) => level.chain.every((method) => methods.has(method)));
}
