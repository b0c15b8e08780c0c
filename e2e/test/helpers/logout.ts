// Shared pieces of the logout e2e tests: the two databases read directly (what the apps stored),
// the OP's real signing key (to forge logout tokens that differ from a valid one by one defect),
// the admin API, whether the RP is down, and a bounded poll.
import { createHash, randomUUID } from 'node:crypto';
import type { Stack } from '@oidc-ref/stack';
import type { Browser } from '@oidc-ref/test-kit';
import type pg from 'pg';
import { adminApi, withDb, type Delivery } from './commands.js';
import { CLIENT_ID } from './oidc.js';

// The OP-side look-ups the commands tests use too.
export { opSigningKeys, opUserId, type Delivery } from './commands.js';

export const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** One query on a database, on a connection of its own. */
export async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withDb(databaseUrl, async (db) => (await db.query<T>(sql, params)).rows);
}

/** The RP's session rows signed in through OP session `sid`. */
export async function rpSessionsForSid(stack: Stack, sid: string): Promise<string[]> {
  const rows = await query<{ id: string }>(stack.rpDatabaseUrl, 'SELECT id FROM sessions WHERE op_sid = $1', [sid]);
  return rows.map((row) => row.id);
}

/** The `op_sid` of the RP session behind this browser's `rp_session` cookie (the OP's `sid`). */
export async function opSidOfRpSession(stack: Stack, browser: Browser): Promise<string> {
  const cookie = browser.cookie(new URL(stack.rpUrl).hostname, 'rp_session');
  if (!cookie) throw new Error('the browser has no rp_session cookie');
  // The RP keeps the session under the SHA-256 of the cookie value (find-session.ts).
  const id = createHash('sha256').update(cookie).digest('base64url');
  const rows = await query<{ op_sid: string | null }>(stack.rpDatabaseUrl, 'SELECT op_sid FROM sessions WHERE id = $1', [id]);
  const sid = rows[0]?.op_sid;
  if (!sid) throw new Error('the RP session has no op_sid');
  return sid;
}

export async function logoutJtiCount(stack: Stack): Promise<number> {
  const [row] = await query<{ n: string }>(stack.rpDatabaseUrl, 'SELECT count(*) AS n FROM logout_jtis');
  return Number(row!.n);
}

/** Whether the RP still treats this browser as signed in: `/account` answers 200 (else 303 to `/`). */
export async function rpSignedIn(stack: Stack, browser: Browser): Promise<boolean> {
  const response = await browser.get(`${stack.rpUrl}/account`);
  await response.arrayBuffer();
  if (response.status === 200) return true;
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/');
  return false;
}

/** Polls `check` every 50 ms until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits (at most `timeoutMs`) until the RP no longer knows this browser's session. */
export async function waitUntilRpSignedOut(stack: Stack, browser: Browser, timeoutMs = 2000): Promise<void> {
  await waitFor('the RP session to end', async () => ((await rpSignedIn(stack, browser)) ? undefined : true), timeoutMs);
}

/** The admin API (`adminApi`), its body left for the caller to read. */
export async function admin(stack: Stack, method: 'GET' | 'POST', pathname: string): Promise<{ status: number; body: unknown }> {
  return adminApi(stack, method, pathname);
}

/** The back-channel logout deliveries to the demo RP, newest first. */
export async function logoutDeliveries(stack: Stack): Promise<Delivery[]> {
  const { status, body } = await admin(stack, 'GET', `/admin/commands?client_id=${CLIENT_ID}&limit=200`);
  expect(status).toBe(200);
  return (body as { deliveries: Delivery[] }).deliveries.filter((delivery) => delivery.kind === 'backchannel_logout');
}

/** The claims of a valid logout token for the demo RP (the OP's own shape), with a fresh jti. */
export function logoutClaims(stack: Stack, subject: { sub?: string; sid?: string }): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: stack.opUrl, aud: CLIENT_ID, iat: now, exp: now + 120, jti: randomUUID(), events: { [BACKCHANNEL_EVENT]: {} }, ...subject };
}

/** POSTs `logout_token` to the RP's back-channel endpoint as the OP does. */
export async function postLogoutToken(stack: Stack, token: string): Promise<{ status: number; cacheControl: string | null; body: string }> {
  const response = await fetch(`${stack.rpUrl}/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }).toString(),
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.text() };
}

/** Whether the RP port refuses connections (the process is really gone). */
export async function rpIsDown(stack: Stack): Promise<boolean> {
  try {
    await fetch(`${stack.rpUrl}/readyz`);
    return false;
  } catch {
    return true;
  }
}
