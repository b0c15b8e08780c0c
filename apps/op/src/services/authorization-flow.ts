import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { AuthorizationParams } from '../authorize/params.js';
import { decideNextStep } from '../authorize/decide.js';
import type { OpConfig } from '../config.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { Repositories } from '../repositories/index.js';
import type { SessionRecord } from '../repositories/session-repository.js';
import { setCookie } from '../middleware/cookies.js';
import { authorizationResponseUrl, type ResponseTarget } from './authorization-response.js';

export const INTERACTION_COOKIE = 'op_interaction';

export function responseTarget(params: AuthorizationParams, issuer: string): ResponseTarget {
  return { redirectUri: params.redirect_uri, mode: params.response_mode, state: params.state, issuer };
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
 * interaction), or, when nothing is missing, to the client with a fresh code.
 */
export function authorizationFlow(repos: Repositories, config: OpConfig) {
  async function issueCode(input: ProceedInput & { session: SessionRecord }): Promise<string> {
    const { params, session, now } = input;
    const code = randomToken(32);
    await repos.authorizationCodes.create({
      id: sha256Base64Url(code),
      grantId: randomUUID(),
      clientId: params.client_id,
      userId: session.userId,
      sessionId: session.id,
      redirectUri: params.redirect_uri,
      scope: params.scopes.join(' '),
      nonce: params.nonce ?? null,
      codeChallenge: params.code_challenge,
      codeChallengeMethod: params.code_challenge_method,
      authTime: session.authTime,
      acr: session.acr,
      amr: session.amr,
      maxAgeRequested: params.max_age !== undefined,
      expiresAt: new Date(now.getTime() + config.ttl.code * 1000),
    });
    return code;
  }

  return {
    async proceed(res: Response, input: ProceedInput): Promise<void> {
      const { params, session, now } = input;
      const grantedScopes = session ? await repos.consents.scopesGranted(session.userId, params.client_id) : [];
      const step = decideNextStep({
        params,
        client: input.client,
        session,
        authenticatedNow: input.interaction?.authenticatedNow ?? false,
        hintedUserId: params.hinted_sub,
        grantedScopes,
        now,
      });
      if (step === 'issue' && session) {
        // An interaction is single use: whoever removes it first issues the code.
        if (input.interaction && !(await repos.interactions.consume(input.interaction.id))) {
          res.redirect(303, `/interaction/${encodeURIComponent(input.interaction.id)}`);
          return;
        }
        const code = await issueCode({ ...input, session });
        res.redirect(303, authorizationResponseUrl(responseTarget(params, config.issuer), { code }));
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
