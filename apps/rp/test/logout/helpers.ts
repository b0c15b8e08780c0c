import { randomBytes } from 'node:crypto';

import { sha256Base64Url } from '../../src/lib/tokens.js';
import type { TestRp } from '../helpers/bootstrap.js';
import type { FakeOp, FakeUser } from '../helpers/fake-op.js';
import { csrfFrom, sessionCookieFrom, signIn } from '../helpers/sign-in.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export const uniq = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/** A user of tenant acme with a fresh sub, so tests in one file never share accounts. */
export function newUser(name: string): FakeUser {
  return { sub: uniq(`user-${name}`), email: `${name}@acme.example`, tenant: 'acme', tenant_name: 'Acme Corporation' };
}

export interface SignedIn {
  browser: ReturnType<TestRp['browser']>;
  cookie: string;
  sessionId: string;
  /** The OP `sid` the session was signed in through (stored as `op_sid`). */
  sid: string;
  idToken: string;
  csrf: string;
}

/** Signs `user` in through the fake OP in a fresh browser and reads back what the RP stored. */
export async function signedIn(rp: TestRp, op: FakeOp, user: FakeUser): Promise<SignedIn> {
  const browser = rp.browser();
  const { callback } = await signIn(browser, op, user);
  const cookie = sessionCookieFrom(callback);
  if (!cookie) throw new Error(`sign-in failed: ${callback.status} ${callback.text}`);
  const sessionId = sha256Base64Url(cookie);
  const row = await rp.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
  if (!row.opSid || !row.idToken) throw new Error('the session has no op_sid or id_token');
  const account = await browser.get('/account');
  return { browser, cookie, sessionId, sid: row.opSid, idToken: row.idToken, csrf: csrfFrom(account.text) };
}

/** Whether the RP still has this session row. */
export async function alive(rp: TestRp, sessionId: string): Promise<boolean> {
  return (await rp.prisma.session.findUnique({ where: { id: sessionId }, select: { id: true } })) !== null;
}

/** Logout token claims from `op` for the RP (valid unless overridden; `undefined` deletes a claim). */
export function logoutClaims(op: FakeOp, overrides: Record<string, unknown>): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: op.issuer,
    aud: op.clientId,
    iat,
    exp: iat + 120,
    jti: randomBytes(12).toString('base64url'),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

/** Signs logout token claims with the fake OP's key, header `typ: logout+jwt` unless `typ` says otherwise (`null`: none). */
export function signLogoutToken(op: FakeOp, claims: Record<string, unknown>, typ: string | null = 'logout+jwt'): string {
  return op.signCommandToken(claims, typ);
}
