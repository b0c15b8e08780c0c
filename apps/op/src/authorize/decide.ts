import { ConsentRequired, LoginRequired, UnmetAuthenticationRequirements } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { claimScopes, essentialAcrValues, requestedSubject } from '../services/claims-request.js';
import type { AuthorizationParams } from './params.js';

export type NextStep = 'login' | 'consent' | 'issue';

export interface DecideInput {
  params: AuthorizationParams;
  client: ClientRecord;
  session: SessionRecord | null;
  /** The user authenticated during this very request's interaction. */
  authenticatedNow: boolean;
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
 * What the request needs next: authentication (OIDC Core §3.1.2.3), consent (§3.1.2.4), or
 * nothing. Under prompt=none, a needed step is an error instead (§3.1.2.6). An essential acr
 * the session does not meet is `unmet_authentication_requirements` (§5.5.1.1).
 */
export function decideNextStep(input: DecideInput): NextStep {
  const { params, session, now } = input;
  const silent = params.prompt.includes('none');
  const needsLogin =
    session === null ||
    requiredUserIds(params).some((id) => id !== session.userId) ||
    (!input.authenticatedNow &&
      (params.prompt.includes('login') ||
        params.prompt.includes('select_account') ||
        authenticationTooOld(params.max_age, session.authTime, now)));
  if (needsLogin) {
    if (silent) throw new LoginRequired('the user must authenticate');
    return 'login';
  }
  const acrs = essentialAcrValues(params.claims);
  if (acrs !== undefined && !acrs.includes(session.acr)) {
    throw new UnmetAuthenticationRequirements('the authentication does not meet the essential acr requested');
  }
  const missingScopes = consentScopes(params).some((scope) => !input.grantedScopes.includes(scope));
  const needsConsent = !input.client.firstParty && (missingScopes || params.prompt.includes('consent'));
  if (needsConsent) {
    if (silent) throw new ConsentRequired('the user must consent');
    return 'consent';
  }
  return 'issue';
}

/** max_age=0 is prompt=login (OIDC Core §3.1.2.1); otherwise the last authentication must be recent enough. */
export function authenticationTooOld(maxAge: number | undefined, authTime: Date, now: Date): boolean {
  if (maxAge === undefined) return false;
  return maxAge === 0 || now.getTime() - authTime.getTime() > maxAge * 1000;
}
