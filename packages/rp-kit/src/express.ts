/**
 * `@oidc-ref/rp-kit/express`: the step-up check as Express middleware. It is written against
 * Node's own `IncomingMessage`/`ServerResponse` (which Express's `Request`/`Response` extend), so
 * it imports nothing from Express and works with Express 4 and 5 alike: it catches its own
 * failures and hands them to `next(error)`.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AcrRanking } from './step-up/acr-policy.js';
import { insufficientUserAuthentication } from './step-up/challenge.js';
import { checkStepUp } from './step-up/check-step-up.js';
import type { AuthenticationClaims, StepUpFailure, StepUpRequirement } from './step-up/check-step-up.js';

type MaybePromise<T> = T | Promise<T>;

/** Connect-style `next`: no argument continues, an argument is an error. */
export type NextFunction = (error?: unknown) => void;

/** The RFC 9470 challenge the middleware would send (or hands to `onInsufficient`). */
export interface InsufficientAuthentication {
  /** The `WWW-Authenticate` value: `Bearer error="insufficient_user_authentication", acr_values="…", max_age="…"`. */
  wwwAuthenticate: string;
  /** The JSON body: `{ error: 'insufficient_user_authentication', error_description }`. */
  body: { error: 'insufficient_user_authentication'; error_description: string };
  /** Why the current authentication falls short. */
  reason: StepUpFailure;
  /** What the route asked for. */
  requirement: StepUpRequirement;
}

export interface RequireAuthenticationOptions<Req extends IncomingMessage, Res extends ServerResponse> {
  /** The RP's acr values, weakest first (see `acrRanking`). */
  ranking: AcrRanking;
  /**
   * The claims of the caller's current authentication (e.g. the ID token stored in the session).
   * `undefined` means "not authenticated": the middleware answers a plain `401` (RFC 6750 §3.1:
   * `WWW-Authenticate: Bearer` without an error code). Put your own session check first if you
   * want another answer.
   */
  claims(req: Req, res: Res): MaybePromise<AuthenticationClaims | undefined>;
  /** What this request needs; `undefined` means any authentication will do. */
  requirement(req: Req, res: Res): MaybePromise<StepUpRequirement | undefined>;
  /** The `error_description` of the JSON body (not put in the header). */
  errorDescription?: string;
  /** Allowed clock skew for `auth_time`, seconds (default 60). */
  clockSkewSeconds?: number;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /**
   * Handles an insufficient authentication instead of answering `401`: a page, for example,
   * starts a step-up sign-in with the challenge's `acr_values` and `max_age`. It must answer
   * the request (or throw).
   */
  onInsufficient?(challenge: InsufficientAuthentication, req: Req, res: Res): MaybePromise<void>;
}

const DEFAULT_DESCRIPTION = 'A stronger or more recent authentication is required for this request.';

function sendJson(res: ServerResponse, status: number, body: unknown, wwwAuthenticate: string): void {
  res.statusCode = status;
  res.setHeader('WWW-Authenticate', wwwAuthenticate);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Middleware that lets a request through only when the caller's authentication meets the
 * route's requirement (`checkStepUp`: acr ranked at least the required one, `auth_time` within
 * `maxAge` + skew). Otherwise it answers the RFC 9470 challenge: `401`,
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="…", max_age="…"`
 * (`acr_values` lists the required acr and every stronger one, in ranking order) and the JSON
 * body `{ error, error_description }`, with `Cache-Control: no-store`.
 *
 * @example
 * app.get(
 *   '/api/export',
 *   requireAuthentication({
 *     ranking: acrRanking(['urn:oidc-ref:acr:pwd', 'urn:oidc-ref:acr:mfa']),
 *     claims: (_req, res) => res.locals.idTokenClaims,
 *     requirement: () => ({ acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 }),
 *   }),
 *   (_req, res) => res.json(exportData()),
 * );
 */
export function requireAuthentication<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  options: RequireAuthenticationOptions<Req, Res>,
): (req: Req, res: Res, next: NextFunction) => void {
  const description = options.errorDescription ?? DEFAULT_DESCRIPTION;
  async function run(req: Req, res: Res, next: NextFunction): Promise<void> {
    const claims = await options.claims(req, res);
    if (claims === undefined) {
      sendJson(res, 401, { error: 'unauthenticated', error_description: 'Authentication is required.' }, 'Bearer');
      return;
    }
    const requirement = await options.requirement(req, res);
    if (requirement === undefined) {
      next();
      return;
    }
    const decision = checkStepUp(claims, requirement, {
      ranking: options.ranking,
      now: options.now?.() ?? new Date(),
      ...(options.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: options.clockSkewSeconds }),
    });
    if (decision.ok) {
      next();
      return;
    }
    const challenge: InsufficientAuthentication = {
      wwwAuthenticate: insufficientUserAuthentication({
        acrValues: options.ranking.atLeast(requirement.acr),
        ...(requirement.maxAge === undefined ? {} : { maxAge: requirement.maxAge }),
      }),
      body: { error: 'insufficient_user_authentication', error_description: description },
      reason: decision.reason,
      requirement,
    };
    if (options.onInsufficient) {
      await options.onInsufficient(challenge, req, res);
      return;
    }
    sendJson(res, 401, challenge.body, challenge.wwwAuthenticate);
  }
  return function requireAuthenticationStep(req, res, next) {
    run(req, res, next).catch(next);
  };
}

export { commandEndpoint } from './express-commands.js';
export type { CommandEndpointOptions } from './express-commands.js';
export { backchannelLogoutEndpoint } from './express-logout.js';
export type { BackchannelLogoutEndpointOptions } from './express-logout.js';
