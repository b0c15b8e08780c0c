import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { randomToken, sha256Base64Url } from '@oidc-ref/crypto';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import type { UserRecord } from '../../src/repositories/user-repository.js';
import type { TestOp } from '../helpers/bootstrap.js';
import { basic, exchangeCode } from '../helpers/exchange.js';
import { pkcePair } from '../helpers/factories.js';

export interface IssuedGrant {
  sessionId: string;
  authTime: Date;
  tokens: { access_token: string; refresh_token?: string; id_token?: string; scope?: string };
  /** Exchanges the same code again (a replay). */
  replayCode(): ReturnType<typeof exchangeCode>;
}

/**
 * An authorization code as the authorization endpoint stores it (with a live OP session),
 * exchanged at the token endpoint with client_secret_basic. `claims` is the stored `claims`
 * request parameter.
 */
export async function grantFor(
  op: TestOp,
  client: ClientRecord,
  user: UserRecord,
  options: { scope?: string; claims?: object; nonce?: string; acr?: string; amr?: string[] } = {},
): Promise<IssuedGrant> {
  const now = op.clock.now;
  const authTime = new Date(Math.floor(now.getTime() / 1000) * 1000 - 30_000);
  const acr = options.acr ?? 'urn:oidc-ref:acr:pwd';
  const amr = options.amr ?? ['pwd'];
  const session = await op.repos.sessions.create({
    id: randomUUID(),
    cookieHash: sha256Base64Url(randomToken(32)),
    userId: user.id,
    authTime,
    acr,
    amr,
    expiresAt: new Date(now.getTime() + op.config.ttl.session * 1000),
    factor: { method: 'pwd', completedAt: authTime },
  });
  const code = randomToken(32);
  const { verifier, challenge } = pkcePair();
  await op.repos.authorizationCodes.create({
    id: sha256Base64Url(code),
    grantId: randomUUID(),
    clientId: client.id,
    userId: user.id,
    sessionId: session.id,
    redirectUri: client.redirectUris[0]!,
    scope: options.scope ?? 'openid email profile',
    nonce: options.nonce ?? 'nonce-1',
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    authTime,
    acr,
    amr,
    maxAgeRequested: false,
    claims: options.claims ?? null,
    expiresAt: new Date(now.getTime() + 60_000),
  });
  const res = await exchangeCode(op.app, client, { code, code_verifier: verifier });
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status} ${JSON.stringify(res.body)}`);
  return {
    sessionId: session.id,
    authTime,
    tokens: res.body,
    replayCode: () => exchangeCode(op.app, client, { code, code_verifier: verifier }),
  };
}

/** POST /token grant_type=refresh_token with client_secret_basic. */
export function refresh(app: Express, client: ClientRecord, refreshToken: string, form: Record<string, string> = {}) {
  return request(app)
    .post('/token')
    .set('Authorization', basic(client))
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...form });
}

/** GET /userinfo with the token: its status tells whether the access token is live. */
export async function userinfoStatus(app: Express, accessToken: string): Promise<number> {
  return (await request(app).get('/userinfo').set('Authorization', `Bearer ${accessToken}`)).status;
}
