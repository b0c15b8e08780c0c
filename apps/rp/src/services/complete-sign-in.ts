import * as client from 'openid-client';

import { IdTokenClaimsSchema, UserInfoResponseSchema } from '@oidc-ref/token-schemas';
import type { IdTokenClaims, UserInfoResponse } from '@oidc-ref/token-schemas';

import type { RpConfig } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import { AppError } from '../errors.js';
import { randomToken, sha256Base64Url, timingSafeEqualString } from '../lib/tokens.js';
import { upsertAccountInTenant } from '../repositories/account-repository.js';
import { createSession, deleteSession, takeLoginState, type SessionRecord } from '../repositories/session-repository.js';
import { upsertTenant } from '../repositories/tenant-repository.js';
import { LoginStateSchema, type LoginState } from './login-state.js';
import { translateOidcError, type OidcClient } from './oidc-client.js';

export interface CompleteSignInOptions {
  prisma: PrismaClient;
  oidc: OidcClient;
  config: Pick<RpConfig, 'redirectUri' | 'sessionTtlSeconds'>;
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
}

/**
 * Finishes the authorization code flow. The pending sign-in is consumed first, so a replayed
 * or forged callback fails with `login_expired`. openid-client then checks `iss`, `state`, an
 * OP error, exchanges the code with the PKCE verifier (client_secret_basic), and verifies the
 * ID token (signature, iss, aud, exp, nonce). The claims the RP relies on (`tenant`,
 * `tenant_name`) are validated with `IdTokenClaimsSchema`, userinfo with
 * `UserInfoResponseSchema`. Tenant, account and the new session are written in one
 * transaction, which also deletes the pre-login session.
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
    throw translateOidcError(error, 'authorization code grant');
  }

  const idToken = tokens.id_token;
  const claims = parseIdTokenClaims(tokens.claims());
  if (!idToken) throw new AppError('sign_in_failed', { detail: 'token response without id_token' });

  let userinfo: UserInfoResponse;
  try {
    userinfo = parseUserInfo(await client.fetchUserInfo(configuration, tokens.access_token, claims.sub));
  } catch (error) {
    throw translateOidcError(error, 'userinfo');
  }

  const cookieValue = randomToken();
  const { accountId, tenantId } = await prisma.$transaction(async (tx) => {
    const tenant = await upsertTenant(tx, { issuer: claims.iss, externalId: claims.tenant, name: claims.tenant_name });
    const account = await upsertAccountInTenant(tx, {
      tenantId: tenant.id,
      issuer: claims.iss,
      sub: claims.sub,
      email: userinfo.email ?? stringClaim(claims, 'email'),
      name: userinfo.name ?? stringClaim(claims, 'name'),
      claims: { id_token: claims, userinfo },
      lastLoginAt: now,
    });
    if (!account) {
      throw new AppError('tenant_mismatch', {
        detail: `account ${claims.sub} signed in for tenant ${claims.tenant} but lives in another tenant`,
      });
    }
    await createSession(tx, {
      id: sha256Base64Url(cookieValue),
      csrfToken: randomToken(),
      expiresAt: new Date(now.getTime() + config.sessionTtlSeconds * 1000),
      signedIn: { accountId: account.id, tenantId: tenant.id, idToken, opSid: claims.sid ?? null },
    });
    if (session) await deleteSession(tx, { id: session.id });
    return { accountId: account.id, tenantId: tenant.id };
  });

  return { cookieValue, maxAgeSeconds: config.sessionTtlSeconds, returnTo: login.returnTo, accountId, tenantId };
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

function stringClaim(claims: IdTokenClaims, name: string): string | null {
  const value = (claims as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}
