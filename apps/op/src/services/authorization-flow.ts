import type { Response } from 'express';
import { randomToken } from '@oidc-ref/crypto';
import type { AppDeps } from '../app.js';
import type { AuthorizationParams } from '../authorize/params.js';
import { decideNextStep, type NextStep } from '../authorize/decide.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { setCookie } from '../middleware/cookies.js';
import { deliverAuthorizationResponse, type ResponseTarget } from './authorization-response.js';
import { issueAuthorizationResponse } from './issue-authorization-response.js';

export const INTERACTION_COOKIE = 'op_interaction';

export function responseTarget(params: AuthorizationParams, issuer: string): ResponseTarget {
  return {
    redirectUri: params.redirect_uri,
    mode: params.response_mode,
    ...(params.state !== undefined && { state: params.state }),
    issuer,
  };
}

export interface ProceedInput {
  params: AuthorizationParams;
  client: ClientRecord;
  session: SessionRecord | null;
  /** Set when called from an interaction. */
  interaction?: { id: string; enrolmentDeclined?: boolean };
  now: Date;
}

/**
 * Moves an authorization request forward: to the login or consent page (through an
 * interaction), or, when nothing is missing, to the client with what the response type asks
 * for. `getDeps` returns the app's dependencies (they are built after the flow).
 */
export function authorizationFlow(getDeps: () => AppDeps) {
  return {
    async proceed(res: Response, input: ProceedInput): Promise<void> {
      const deps = getDeps();
      const { repos, config } = deps;
      const { params, session, now } = input;
      const step = await decide(deps, input);
      if (step.kind === 'issue' && session) {
        // An interaction is single use: whoever removes it first issues the response.
        if (input.interaction && !(await repos.interactions.consume(input.interaction.id))) {
          res.redirect(303, `/interaction/${encodeURIComponent(input.interaction.id)}`);
          return;
        }
        const response = await issueAuthorizationResponse(deps, { params, client: input.client, session, auth: step.auth, now });
        deliverAuthorizationResponse(res, responseTarget(params, config.issuer), response);
        return;
      }
      if (input.interaction) {
        res.redirect(303, `/interaction/${encodeURIComponent(input.interaction.id)}`);
        return;
      }
      const id = randomToken(18);
      await repos.interactions.create({
        id,
        clientId: params.client_id,
        params,
        csrfToken: randomToken(24),
        expiresAt: new Date(now.getTime() + config.ttl.interaction * 1000),
      });
      setCookie(res, INTERACTION_COOKIE, id, {
        secure: config.secureCookies,
        maxAgeSeconds: config.ttl.interaction,
        path: '/interaction',
      });
      res.redirect(303, `/interaction/${encodeURIComponent(id)}`);
    },
  };
}
export type AuthorizationFlow = ReturnType<typeof authorizationFlow>;

/** The next step for a request, with what the decision needs read from the database. */
export async function decide(deps: AppDeps, input: ProceedInput): Promise<NextStep> {
  const { params, session, now } = input;
  const [grantedScopes, totp] = session
    ? await Promise.all([deps.repos.consents.scopesGranted(session.userId, params.client_id), deps.repos.totp.state(session.userId)])
    : [[], undefined];
  return decideNextStep({
    params,
    client: input.client,
    session,
    levels: deps.acrLevels,
    ...(totp && { enrolled: enrolledMethods(totp.secret !== null) }),
    ...(input.interaction && { interactionId: input.interaction.id, enrolmentDeclined: input.interaction.enrolmentDeclined ?? false }),
    grantedScopes,
    now,
  });
}

/** The methods a user can complete: a password always, a one-time code once enrolled. */
export function enrolledMethods(hasTotp: boolean): ReadonlySet<string> {
  return new Set(hasTotp ? ['pwd', 'otp'] : ['pwd']);
}
