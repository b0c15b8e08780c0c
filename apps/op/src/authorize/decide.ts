import { ConsentRequired, LoginRequired } from '../errors.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import type { AuthorizationParams } from './params.js';

export type NextStep = 'login' | 'consent' | 'issue';

export interface DecideInput {
  params: AuthorizationParams;
  client: ClientRecord;
  session: SessionRecord | null;
  /** The user authenticated during this very request's interaction. */
  authenticatedNow: boolean;
  /** The user named by a verified id_token_hint, if one was sent. */
  hintedUserId?: string;
  grantedScopes: string[];
  now: Date;
}

/**
 * What the request needs next: authentication (OIDC Core §3.1.2.3), consent (§3.1.2.4), or
 * nothing. Under prompt=none, a needed step is an error instead (§3.1.2.6).
 */
export function decideNextStep(input: DecideInput): NextStep {
  const { params, session, now } = input;
  const silent = params.prompt.includes('none');
  const needsLogin =
    session === null ||
    (input.hintedUserId !== undefined && input.hintedUserId !== session.userId) ||
    (!input.authenticatedNow &&
      (params.prompt.includes('login') ||
        params.prompt.includes('select_account') ||
        authenticationTooOld(params.max_age, session.authTime, now)));
  if (needsLogin) {
    if (silent) throw new LoginRequired('the user must authenticate');
    return 'login';
  }
  const missingScopes = params.scopes.some((scope) => !input.grantedScopes.includes(scope));
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
