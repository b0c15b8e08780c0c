import type { AcrRanking, StepUpChallenge } from '@oidc-ref/rp-kit';

import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { authenticationOf } from '../lib/authentication-claims.js';
import type { SensitiveAction } from '../lib/step-up-policy.js';
import { saveLoginState, type SessionRecord } from '../repositories/session-repository.js';
import { newAuthorizationRequest } from './authorization-request.js';
import type { StepUpState } from './login-state.js';
import type { OidcClient } from './oidc-client.js';

export interface StartStepUpOptions {
  prisma: PrismaClient;
  oidc: OidcClient;
  config: Pick<RpConfig, 'redirectUri'>;
  ranking: AcrRanking;
  /** The signed-in session to step up; its raw ID token becomes the `id_token_hint`. */
  session: SessionRecord;
  action: SensitiveAction;
  /** The RFC 9470 challenge the action answered with (parsed): its `acr_values` and `max_age`. */
  challenge: StepUpChallenge;
  /** Where the callback sends the browser on success: the action again. A same-site path. */
  returnTo: string;
  /** Adds `prompt=login`: after an OP answered with an `auth_time` older than `max_age`. */
  forceLogin?: boolean;
  now: Date;
}

/**
 * The acr a step-up must reach: the weakest of the challenge's `acr_values` that the RP ranks
 * (the challenge lists the required acr and every stronger one). `undefined` when it names none.
 *
 * @example
 * requiredAcr(['urn:oidc-ref:acr:mfa'], ranking); // 'urn:oidc-ref:acr:mfa'
 */
export function requiredAcr(acrValues: readonly string[] | undefined, ranking: AcrRanking): string | undefined {
  const ranked = (acrValues ?? []).filter((acr) => ranking.rank(acr) >= 0);
  return ranked.sort((a, b) => ranking.rank(a) - ranking.rank(b))[0];
}

/**
 * Starts a step-up sign-in (step-up digest §7.8): an authorization code request with the
 * challenge's `acr_values` (the required acr first, then the stronger ones, in order of
 * preference), its `max_age`, the session's raw ID token as `id_token_hint`, and fresh `state`,
 * `nonce` and PKCE. The pending sign-in is stored on the session and remembers that it is a
 * step-up: the action, the acr to reach, `max_age`, and the session's `iss`/`sub`, which the
 * callback checks the new ID token against. The session itself is left as it is until then.
 */
export async function startStepUp(options: StartStepUpOptions): Promise<{ authorizationUrl: URL }> {
  const { session, challenge } = options;
  const current = session.accountId ? authenticationOf(session.idToken) : undefined;
  if (!current || !session.idToken) throw new AppError('unauthenticated', { detail: 'step-up without a signed-in session' });
  const acr = requiredAcr(challenge.acrValues, options.ranking);
  if (!acr) throw new AppError('server_error', { detail: 'step-up challenge names no acr value this RP ranks' });

  const stepUp: StepUpState = {
    action: options.action,
    acr,
    ...(challenge.maxAge === undefined ? {} : { maxAge: challenge.maxAge }),
    sub: current.sub,
    iss: current.iss,
  };
  const { authorizationUrl, loginState } = await newAuthorizationRequest({
    oidc: options.oidc,
    redirectUri: options.config.redirectUri,
    returnTo: options.returnTo,
    now: options.now,
    parameters: {
      acr_values: (challenge.acrValues ?? []).join(' '),
      ...(challenge.maxAge === undefined ? {} : { max_age: String(challenge.maxAge) }),
      id_token_hint: session.idToken,
      ...(options.forceLogin ? { prompt: 'login' } : {}),
    },
    stepUp,
  });
  await saveLoginState(options.prisma, { id: session.id, loginState: { ...loginState } });
  return { authorizationUrl };
}
