import { planAuthentication, type AcrRequest, type AuthenticationResult } from '../authentication/plan.js';
import { ConsentRequired, InteractionRequired, LoginRequired, UnmetAuthenticationRequirements } from '../errors.js';
import type { AcrLevel } from '../repositories/acr-level-repository.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { claimScopes, essentialAcrValues, requestedSubject } from '../services/claims-request.js';
import type { AuthorizationParams } from './params.js';

export type NextStep =
  | { kind: 'authenticate'; acr: string; method: string }
  | { kind: 'enroll'; acr: string; method: string }
  | { kind: 'consent'; auth: AuthenticationResult }
  | { kind: 'issue'; auth: AuthenticationResult };

export interface DecideInput {
  params: AuthorizationParams;
  client: ClientRecord;
  session: SessionRecord | null;
  /** Authentication levels, weakest first. */
  levels: readonly AcrLevel[];
  /** The session user's methods; undefined when there is no usable session. */
  enrolled?: ReadonlySet<string>;
  /** This request's interaction: factors completed in it are fresh. */
  interactionId?: string;
  /** The user declined to set up a missing method during this request. */
  enrolmentDeclined?: boolean;
  grantedScopes: string[];
  now: Date;
}

/**
 * The users this request may be answered for: the `sub` of a verified id_token_hint and the
 * `sub` value of the claims request (OIDC Core §3.1.2.2, §5.5.1). Tokens are never issued for
 * anyone else, even when another user has a live session.
 */
export function requiredUserIds(params: AuthorizationParams): string[] {
  const claimed = requestedSubject(params.claims);
  return [params.hinted_sub, claimed].filter((id): id is string => id !== undefined);
}

/**
 * What the user must consent to: the requested scopes, plus the scopes whose claims are named
 * in the claims request (releasing `email` via `claims` needs the `email` consent).
 */
export function consentScopes(params: AuthorizationParams): string[] {
  return [...new Set([...params.scopes, ...claimScopes(params.claims)])];
}

/**
 * The acr the request asks for: an essential `claims` acr governs (and `acr_values` is then
 * ignored, keeping the essential flag, step-up digest §4), then `acr_values`, then the client's
 * registered `default_acr_values`.
 */
export function requestedAcr(params: AuthorizationParams, client: ClientRecord): AcrRequest | undefined {
  const essential = essentialAcrValues(params.claims);
  if (essential) return { values: essential, essential: true };
  const voluntary = params.acr_values?.split(' ').filter((value) => value !== '');
  if (voluntary?.length) return { values: voluntary, essential: false };
  // A claims acr without `essential` is a voluntary request too (§5.5.1.1).
  const claimed = params.claims?.id_token?.acr;
  const claimedValues = [...(claimed?.values ?? []), ...(claimed?.value !== undefined ? [claimed.value] : [])].filter(
    (value): value is string => typeof value === 'string',
  );
  if (claimedValues.length) return { values: claimedValues, essential: false };
  const defaults = client.metadata.default_acr_values;
  return defaults?.length ? { values: [...defaults], essential: false } : undefined;
}

/**
 * What the request needs next (OIDC Core §3.1.2.3–3.1.2.4, step-up digest §10): a missing or
 * stale factor of the chain behind the requested acr, the enrolment of a method the user lacks,
 * consent, or nothing. Under prompt=none any of those is an error instead (§3.1.2.6); an
 * essential acr that cannot be met is `unmet_authentication_requirements` whatever the prompt.
 */
export function decideNextStep(input: DecideInput): NextStep {
  const { params, session, now } = input;
  const silent = params.prompt.includes('none');
  // A session of anyone but the user the request names counts as no session (§3.1.2.2).
  const usable = session !== null && requiredUserIds(params).every((id) => id === session.userId);
  const plan = planAuthentication({
    levels: input.levels,
    requested: requestedAcr(params, input.client),
    ...(usable && input.enrolled !== undefined && { enrolled: input.enrolled }),
    factors: usable ? session.factors : [],
    ...(params.max_age !== undefined && { maxAge: params.max_age }),
    forceLogin: params.prompt.includes('login') || params.prompt.includes('select_account') || params.max_age === 0,
    ...(input.interactionId !== undefined && { interactionId: input.interactionId }),
    allowEnrolment: !silent && !input.enrolmentDeclined,
    now,
  });
  switch (plan.kind) {
    case 'unmet':
      throw new UnmetAuthenticationRequirements(plan.reason);
    case 'authenticate':
      if (silent) throw new LoginRequired('the user must authenticate');
      return { kind: 'authenticate', acr: plan.acr, method: plan.method };
    case 'enroll':
      if (silent) throw new InteractionRequired('the user must set up a second factor');
      return { kind: 'enroll', acr: plan.acr, method: plan.method };
    case 'satisfied':
      break;
  }
  const missingScopes = consentScopes(params).some((scope) => !input.grantedScopes.includes(scope));
  const needsConsent = !input.client.firstParty && (missingScopes || params.prompt.includes('consent'));
  if (needsConsent) {
    if (silent) throw new ConsentRequired('the user must consent');
    return { kind: 'consent', auth: plan.result };
  }
  return { kind: 'issue', auth: plan.result };
}

/** max_age=0 is prompt=login (OIDC Core §3.1.2.1); otherwise the last authentication must be recent enough. */
export function authenticationTooOld(maxAge: number | undefined, authTime: Date, now: Date): boolean {
  if (maxAge === undefined) return false;
  return maxAge === 0 || now.getTime() - authTime.getTime() > maxAge * 1000;
}
