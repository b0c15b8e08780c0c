import * as client from 'openid-client';

import type { AcrRanking } from '@oidc-ref/rp-kit';
import { IdTokenClaimsSchema, UserInfoResponseSchema } from '@oidc-ref/token-schemas';
import type { IdTokenClaims, UserInfoResponse } from '@oidc-ref/token-schemas';

import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { groupIdsOf } from '../lib/role-mapping.js';
import { knownRoles } from '../lib/rp-roles.js';
import { randomToken, sha256Base64Url, timingSafeEqualString } from '../lib/tokens.js';
import { findProvisionedClaims, upsertAccountInTenant } from '../repositories/account-repository.js';
import { createSession, deleteSession, takeLoginState, type SessionRecord } from '../repositories/session-repository.js';
import { upsertTenant } from '../repositories/tenant-repository.js';
import { LoginStateSchema, type LoginState } from './login-state.js';
import { translateOidcError, type OidcClient } from './oidc-client.js';
import { verifyStepUp } from './verify-step-up.js';

export interface CompleteSignInOptions {
  prisma: PrismaClient;
  oidc: OidcClient;
  config: Pick<RpConfig, 'redirectUri' | 'sessionTtlSeconds'>;
  /** The RP's acr ranking, for step-up sign-ins. */
  ranking: AcrRanking;
  /** The browser's session: it must hold the pending sign-in. */
  session: SessionRecord | null;
  /** The callback's query string, as received (`?code=…&state=…&iss=…`). */
  search: string;
  now: Date;
}

export interface CompleteSignInResult {
  /** The new session's cookie value (the old session is gone: no session fixation). */
  cookieValue: string;
  maxAgeSeconds: number;
  returnTo: string;
  accountId: string;
  tenantId: string;
  /** Set when this sign-in was a step-up: the action and what was achieved (for the audit log). */
  stepUp?: { action: string; requiredAcr: string; acr: string | undefined; amr: string[] | undefined };
}

/**
 * Finishes the authorization code flow. The pending sign-in is consumed first, so a replayed
 * or forged callback fails with `login_expired`. openid-client then checks `iss`, `state`, an
 * OP error, exchanges the code with the PKCE verifier (client_secret_basic), and verifies the
 * ID token (signature, iss, aud, exp, nonce). The claims the RP relies on (`tenant`,
 * `tenant_name`) are validated with `IdTokenClaimsSchema`, userinfo with
 * `UserInfoResponseSchema`. Tenant, account and the new session are written in one
 * transaction, which also deletes the pre-login session.
 *
 * A **step-up** sign-in (the pending sign-in says so) is verified further before anything is
 * written (`verifyStepUp`): same `iss`/`sub` as the session, acr ranked at least the required
 * one, `auth_time` within `max_age` + 60 s. A weaker or stale authentication fails with
 * `step_up_failed` and leaves the session as it was; another user fails with
 * `step_up_wrong_user` and **ends** the session (the person at this browser just proved to be
 * someone else). The OP's `unmet_authentication_requirements` becomes `step_up_unmet`, its
 * `login_required`/`interaction_required` (and the other `prompt` errors)
 * `step_up_interaction_required`. On success the session is replaced like at any sign-in: new
 * cookie, the new ID token stored for the next `id_token_hint`.
 */
export async function completeSignIn(options: CompleteSignInOptions): Promise<CompleteSignInResult> {
  const { prisma, config, session, now } = options;
  const login = await consumeLoginState(prisma, session, now);
  const params = new URLSearchParams(options.search);
  const states = params.getAll('state');
  if (states.length !== 1 || !timingSafeEqualString(states[0] ?? '', login.state)) {
    throw new AppError('login_expired', { detail: 'callback state does not match the pending sign-in' });
  }

  const configuration = await options.oidc.getConfiguration();
  const currentUrl = new URL(config.redirectUri);
  currentUrl.search = params.toString();

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw forStepUp(translateOidcError(error, 'authorization code grant'), login);
  }

  const idToken = tokens.id_token;
  const claims = parseIdTokenClaims(tokens.claims());
  if (!idToken) throw new AppError('sign_in_failed', { detail: 'token response without id_token' });

  if (login.stepUp) {
    const verdict = verifyStepUp({ claims, stepUp: login.stepUp, ranking: options.ranking, now });
    if (!verdict.ok) {
      const detail = `step-up for ${login.stepUp.action} refused: ${verdict.reason} (required ${login.stepUp.acr}, got ${claims.acr ?? 'no acr'})`;
      if (verdict.code === 'step_up_wrong_user') {
        if (session) await deleteSession(prisma, { id: session.id });
        throw new AppError('step_up_wrong_user', { detail });
      }
      throw new AppError('step_up_failed', { detail, retryPath: retryAfter(login.returnTo, verdict.reason) });
    }
  }

  let userinfo: UserInfoResponse;
  try {
    userinfo = parseUserInfo(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub));
  } catch (error) {
    throw forStepUp(translateOidcError(error, 'userinfo'), login);
  }

  const cookieValue = randomToken();
  const { accountId, tenantId } = await prisma.$transaction(async (tx) => {
    const tenant = await upsertTenant(tx, { issuer: claims.iss, externalId: claims.tenant, name: claims.tenant_name });
    // Claims provisioned by OpenID Provider Commands (activate/maintain) survive the sign-in.
    const provisioned = await findProvisionedClaims(tx, { tenantId: tenant.id, issuer: claims.iss, sub: claims.sub });
    const account = await upsertAccountInTenant(tx, {
      tenantId: tenant.id,
      issuer: claims.iss,
      sub: claims.sub,
      email: userinfo.email ?? stringClaim(claims, 'email'),
      name: userinfo.name ?? stringClaim(claims, 'name'),
      claims: { id_token: claims, userinfo, ...(provisioned === undefined ? {} : { provisioned }) },
      lastLoginAt: now,
      ...accessClaims(claims),
    });
    if (!account) {
      throw new AppError('tenant_mismatch', {
        detail: `account ${claims.sub} signed in for tenant ${claims.tenant} but lives in another tenant`,
      });
    }
    // OpenID Provider Commands: a suspended or archived account cannot sign in (the transaction
    // rolls back, so nothing of this attempt is kept).
    if (account.state === 'suspended') throw new AppError('account_suspended', { detail: `account ${claims.sub} is suspended` });
    if (account.state === 'archived') throw new AppError('account_archived', { detail: `account ${claims.sub} is archived` });
    await createSession(tx, {
      id: sha256Base64Url(cookieValue),
      csrfToken: randomToken(),
      expiresAt: new Date(now.getTime() + config.sessionTtlSeconds * 1000),
      signedIn: { accountId: account.id, tenantId: tenant.id, idToken, opSid: claims.sid ?? null },
    });
    if (session) await deleteSession(tx, { id: session.id });
    return { accountId: account.id, tenantId: tenant.id };
  });

  return {
    cookieValue,
    maxAgeSeconds: config.sessionTtlSeconds,
    returnTo: login.returnTo,
    accountId,
    tenantId,
    ...(login.stepUp
      ? { stepUp: { action: login.stepUp.action, requiredAcr: login.stepUp.acr, acr: claims.acr, amr: claims.amr } }
      : {}),
  };
}

/** The OP's answers to a request it could not satisfy without (more) user interaction. */
const INTERACTION_ERRORS = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

/**
 * During a step-up, the OP's refusals get their own clear pages, and "Try again" leads back to
 * the action rather than to a fresh sign-in. `unmet_authentication_requirements` offers no
 * retry: the account cannot reach the level, so trying again would only loop.
 */
function forStepUp(error: AppError, login: LoginState): AppError {
  if (!login.stepUp) return error;
  const common = { detail: `step-up for ${login.stepUp.action}: ${error.detail ?? error.code}`, cause: error.cause };
  const opError = error.code === 'op_error' ? error.opError : undefined;
  if (opError?.error === 'unmet_authentication_requirements') {
    return new AppError('step_up_unmet', { ...common, opError, retryPath: null });
  }
  if (opError && INTERACTION_ERRORS.has(opError.error)) {
    return new AppError('step_up_interaction_required', { ...common, opError, retryPath: login.returnTo });
  }
  return new AppError(error.code, {
    ...common,
    ...(error.opError ? { opError: error.opError } : {}),
    retryPath: login.returnTo,
  });
}

/**
 * Where "Try again" leads after a refused step-up: the action again, and, when the OP answered
 * with an `auth_time` older than `max_age`, with `prompt=login` (digest §7.4).
 */
function retryAfter(returnTo: string, reason: string): string {
  if (reason !== 'auth_too_old' && reason !== 'auth_time_missing') return returnTo;
  const url = new URL(returnTo, 'http://rp.invalid');
  url.searchParams.set('prompt', 'login');
  return `${url.pathname}${url.search}`;
}

async function consumeLoginState(prisma: PrismaClient, session: SessionRecord | null, now: Date): Promise<LoginState> {
  if (!session) throw new AppError('login_expired', { detail: 'callback without a session' });
  const parsed = LoginStateSchema.safeParse(await takeLoginState(prisma, { id: session.id }));
  if (!parsed.success) throw new AppError('login_expired', { detail: 'no pending sign-in on the session' });
  if (parsed.data.expiresAt <= now.getTime()) throw new AppError('login_expired', { detail: 'pending sign-in expired' });
  return parsed.data;
}

function parseIdTokenClaims(claims: unknown): IdTokenClaims {
  const parsed = IdTokenClaimsSchema.safeParse(claims);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AppError('sign_in_failed', { detail: `ID token claims rejected: ${problems.join('; ')}` });
  }
  return parsed.data;
}

function parseUserInfo(response: unknown): UserInfoResponse {
  const parsed = UserInfoResponseSchema.safeParse(response);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new AppError('sign_in_failed', { detail: `userinfo response rejected: ${problems.join('; ')}` });
  }
  return parsed.data;
}

/** The ID token's `groups` and `roles` (draft 01), only when present: a token without them keeps what commands provisioned. */
function accessClaims(claims: IdTokenClaims): { groups?: string[]; opRoles?: string[] } {
  const all = claims as Record<string, unknown>;
  return {
    ...(all['groups'] === undefined ? {} : { groups: groupIdsOf(all['groups']) }),
    ...(all['roles'] === undefined ? {} : { opRoles: knownRoles(all['roles']) }),
  };
}

function stringClaim(claims: IdTokenClaims, name: string): string | null {
  const value = (claims as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}
