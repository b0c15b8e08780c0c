import { checkStepUp, type AcrRanking, type StepUpFailure } from '@oidc-ref/rp-kit';
import type { IdTokenClaims } from '@oidc-ref/token-schemas';

import type { StepUpState } from './login-state.js';

export type StepUpVerdict =
  | { ok: true }
  | { ok: false; code: 'step_up_wrong_user'; reason: 'iss_mismatch' | 'sub_mismatch' }
  | { ok: false; code: 'step_up_failed'; reason: Exclude<StepUpFailure, 'sub_mismatch'> };

export interface VerifyStepUpOptions {
  /** The new ID token's claims, after openid-client's checks (signature, iss, aud, exp, nonce). */
  claims: IdTokenClaims;
  stepUp: StepUpState;
  ranking: AcrRanking;
  now: Date;
}

/**
 * The step-up checks of digest §7 (2–4) on a verified ID token: the same user as the session
 * being stepped up (`iss` and `sub`), an acr ranked at least the required one (the OP may
 * answer voluntary `acr_values` with a weaker acr), and, when `max_age` was sent, an
 * `auth_time` within it plus 60 s of clock skew. Pure.
 *
 * @example
 * const verdict = verifyStepUp({ claims, stepUp: login.stepUp, ranking, now: new Date() });
 * if (!verdict.ok) throw new AppError(verdict.code);
 */
export function verifyStepUp({ claims, stepUp, ranking, now }: VerifyStepUpOptions): StepUpVerdict {
  if (claims.iss !== stepUp.iss) return { ok: false, code: 'step_up_wrong_user', reason: 'iss_mismatch' };
  const decision = checkStepUp(
    claims,
    { acr: stepUp.acr, ...(stepUp.maxAge === undefined ? {} : { maxAge: stepUp.maxAge }) },
    { ranking, expectedSub: stepUp.sub, now },
  );
  if (decision.ok) return { ok: true };
  if (decision.reason === 'sub_mismatch') return { ok: false, code: 'step_up_wrong_user', reason: 'sub_mismatch' };
  return { ok: false, code: 'step_up_failed', reason: decision.reason };
}
