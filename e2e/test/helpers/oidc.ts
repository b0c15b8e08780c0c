import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { Stack } from '@oidc-ref/stack';
import { signInAtOp, type Browser } from '@oidc-ref/test-kit';
import { createGuardrails, generate } from 'otplib';
import { RP_CLIENT_SECRET } from './stack.js';

/** The demo world the stack seeds (apps/op/src/seed/demo-world.ts). */
export const ALICE = { email: 'alice@acme.example', password: 'alice-demo-pass', totpSecret: 'JBSWY3DPEHPK3PXP' } as const;
export const BOB = { email: 'bob@globex.example', password: 'bob-demo-pass' } as const;
export const CAROL = { email: 'carol@example.com', password: 'carol-demo-pass' } as const;

export const ACR_PWD = 'urn:oidc-ref:acr:pwd';
export const ACR_MFA = 'urn:oidc-ref:acr:mfa';
export const CLIENT_ID = 'demo-rp';

/** TOTP period (RFC 6238), as the OP uses it. */
export const TOTP_STEP_SECONDS = 30;

// alice's demo secret is 80 bits; otplib's default guardrail asks for 128.
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** The one-time code an authenticator app shows for `secret` at `at` (default now). */
export async function totpCode(secret: string, at: number = Date.now()): Promise<string> {
  return generate({ secret, guardrails, epoch: Math.floor(at / 1000) });
}

export function totpStep(at: number = Date.now()): number {
  return Math.floor(at / 1000 / TOTP_STEP_SECONDS);
}

/** Waits until the TOTP time step after `step` has begun (a used step's codes are refused). */
export async function waitForStepAfter(step: number): Promise<void> {
  const next = (step + 1) * TOTP_STEP_SECONDS * 1000;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
}

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

/** A JWT's payload, unverified (for assertions on what the apps sent or received). */
export function jwtPayload(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  if (!payload) throw new Error(`not a JWT: ${jwt.slice(0, 40)}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

/**
 * An authorization request for the demo RP's client, built by hand so a test can steer every
 * parameter (prompt, max_age, id_token_hint, claims…) and read the OP's answer from the
 * Location header without letting the browser reach the RP's callback.
 */
export function authorizeUrl(stack: Stack, extra: Record<string, string>, code: Pkce): string {
  const url = new URL(`${stack.opUrl}/authorize`);
  const params = {
    client_id: CLIENT_ID,
    redirect_uri: `${stack.rpUrl}/callback`,
    response_type: 'code',
    scope: 'openid email profile',
    state: base64url(randomBytes(12)),
    nonce: base64url(randomBytes(12)),
    code_challenge: code.challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/** The authorization response the OP redirected to, read from a 3xx answer's Location. */
export function authorizationResponse(stack: Stack, response: Response, from: string): URLSearchParams {
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  const location = new URL(response.headers.get('location')!, from);
  expect(`${location.origin}${location.pathname}`).toBe(`${stack.rpUrl}/callback`);
  expect(location.searchParams.get('iss')).toBe(stack.opUrl);
  return location.searchParams;
}

export interface TokenResponse {
  id_token: string;
  access_token: string;
}

/** Redeems a code at the OP's token endpoint as the demo RP (client_secret_basic). */
export async function exchangeCode(stack: Stack, code: string, pkceCode: Pkce): Promise<TokenResponse> {
  const response = await fetch(`${stack.opUrl}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(RP_CLIENT_SECRET)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${stack.rpUrl}/callback`,
      code_verifier: pkceCode.verifier,
    }).toString(),
  });
  const body = (await response.json()) as TokenResponse;
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Signs `user` in with their password directly at the OP for the demo RP's client (the RP never
 * sees it) and returns the ID token the OP issued, with the browser now holding an OP session.
 */
export async function idTokenFromOp(stack: Stack, browser: Browser, user: { email: string; password: string }): Promise<string> {
  const code = pkce();
  const { url } = await signInAtOp(browser, authorizeUrl(stack, {}, code), user);
  const answer = new URL(url);
  expect(`${answer.origin}${answer.pathname}`).toBe(`${stack.rpUrl}/callback`);
  const authorizationCode = answer.searchParams.get('code');
  if (!authorizationCode) throw new Error(`no code in ${url}`);
  return (await exchangeCode(stack, authorizationCode, code)).id_token;
}

/**
 * A copy of `idToken` (same header and claims, a fresh `exp`) signed with an RSA key the OP
 * never had: what a forger holding only a stolen ID token could produce.
 */
export function reSignWithForeignKey(idToken: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = { ...jwtHeader(idToken), alg: 'RS256' };
  const now = Math.floor(Date.now() / 1000);
  const payload = { ...jwtPayload(idToken), iat: now, exp: now + 600 };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), privateKey))}`;
}

/** `key="value"` (or `key=token`) parameters of a `WWW-Authenticate: Bearer …` challenge. */
export function bearerChallenge(header: string | null): Record<string, string> {
  if (!header) throw new Error('no WWW-Authenticate header');
  expect(header).toMatch(/^Bearer /);
  const params: Record<string, string> = {};
  for (const match of header.slice('Bearer '.length).matchAll(/([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi)) {
    params[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return params;
}
