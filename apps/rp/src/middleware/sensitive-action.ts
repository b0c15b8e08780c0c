import type { Request, RequestHandler, Response } from 'express';

import type { StepUpRequirement } from '@oidc-ref/rp-kit';
import { requireAuthentication, type InsufficientAuthentication } from '@oidc-ref/rp-kit/express';

import { AppError } from '../errors.js';
import { authenticationOf, type SessionAuthentication } from '../lib/authentication-claims.js';
import type { SensitiveAction } from '../lib/step-up-policy.js';
import type { RouteDeps } from '../routes/deps.js';
import { getAccountOverview, type AccountOverview } from '../services/get-account-overview.js';
import { getStepUpRequirement } from '../services/get-step-up-requirement.js';
import { currentSession } from './session.js';

/** What a sensitive action's route knows once {@link loadSensitiveAction} ran. */
export interface SensitiveActionContext {
  action: SensitiveAction;
  overview: AccountOverview;
  /** The session's current authentication: the claims of the ID token stored in it. */
  authentication: SessionAuthentication;
  /** What the tenant's policy asks for this action; `undefined`: a signed-in session is enough. */
  requirement: StepUpRequirement | undefined;
}

const CONTEXT_LOCAL = 'sensitiveAction';

/** The context {@link loadSensitiveAction} stored. */
export function sensitiveActionContext(res: Response): SensitiveActionContext {
  const context = res.locals[CONTEXT_LOCAL] as SensitiveActionContext | undefined;
  if (!context) throw new Error('loadSensitiveAction must run first');
  return context;
}

export interface LoadSensitiveActionOptions {
  action: SensitiveAction;
  /** Without a signed-in session: `redirect` (303 to `/`, pages) or `unauthenticated` (401, the JSON API). */
  whenSignedOut: 'redirect' | 'unauthenticated';
}

/**
 * Loads what a sensitive action is decided on: the signed-in account and tenant, the session's
 * authentication (from its stored ID token) and the tenant's requirement for the action.
 */
export function loadSensitiveAction(
  { prisma, config }: Pick<RouteDeps, 'prisma' | 'config'>,
  { action, whenSignedOut }: LoadSensitiveActionOptions,
): RequestHandler {
  return async function loadSensitiveActionStep(_req, res, next) {
    const session = currentSession(res);
    const overview = await getAccountOverview({ prisma, session });
    const authentication = overview ? authenticationOf(session?.idToken) : undefined;
    if (!overview || !authentication) {
      if (whenSignedOut === 'redirect') {
        res.redirect(303, '/');
        return;
      }
      throw new AppError('unauthenticated', { detail: `${action} without a signed-in session` });
    }
    const requirement = getStepUpRequirement({ tenant: overview.tenant, action, config });
    res.locals[CONTEXT_LOCAL] = { action, overview, authentication, requirement } satisfies SensitiveActionContext;
    next();
  };
}

/**
 * The rp-kit middleware over the context: lets the request through when the session's
 * authentication meets the tenant's requirement, else answers the RFC 9470 challenge (the JSON
 * API) or hands it to `onInsufficient` (a page, which steps up). Both kinds of route build the
 * challenge here, from the same claims and requirement, so they cannot disagree.
 */
export function requireStepUp(
  { ranking }: Pick<RouteDeps, 'ranking'>,
  onInsufficient?: (challenge: InsufficientAuthentication, req: Request, res: Response) => Promise<void>,
): RequestHandler {
  return requireAuthentication<Request, Response>({
    ranking,
    claims: (_req, res) => sensitiveActionContext(res).authentication,
    requirement: (_req, res) => sensitiveActionContext(res).requirement,
    errorDescription: 'This action needs a stronger or more recent sign-in.',
    ...(onInsufficient ? { onInsufficient } : {}),
  });
}
