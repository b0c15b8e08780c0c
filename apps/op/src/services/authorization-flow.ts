import type { Response } from 'express';
import { randomToken } from '@oidc-ref/crypto';
import type { AppDeps } from '../app.js';
import type { AuthorizationParams } from '../authorize/params.js';
import { decideNextStep } from '../authorize/decide.js';
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
  /** Set when called from an interaction: the id, and whether the user authenticated in it. */
  interaction?: { id: string; authenticatedNow: boolean };
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
      const grantedScopes = session ? await repos.consents.scopesGranted(session.userId, params.client_id) : [];
      const step = decideNextStep({
        params,
        client: input.client,
        session,
        authenticatedNow: input.interaction?.authenticatedNow ?? false,
        grantedScopes,
        now,
      });
      if (step === 'issue' && session) {
        // An interaction is single use: whoever removes it first issues the response.
        if (input.interaction && !(await repos.interactions.consume(input.interaction.id))) {
          res.redirect(303, `/interaction/${encodeURIComponent(input.interaction.id)}`);
          return;
        }
        const response = await issueAuthorizationResponse(deps, { params, client: input.client, session, now });
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
