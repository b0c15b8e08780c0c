// Issue 6: an OP session that expires is ended by the OP's sweep exactly like a logout, and the
// demo RP (a real process) learns it on the back channel: alice's RP session ends although
// nobody signed out. The OP sweeps every second; the test makes alice's OP session expire by
// moving its expiry into the past in the OP's database (no race with a short lifetime on a busy
// machine).
import type { Stack } from '@oidc-ref/stack';
import { logoutDeliveries, opSidOfRpSession, query, rpSessionsForSid, rpSignedIn, waitFor } from './helpers/logout.js';
import { ALICE } from './helpers/oidc.js';
import { signInAtRp } from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_SESSION_SWEEP_SECONDS: '1' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('ends her RP session when her OP session expires', async () => {
  const { browser } = await signInAtRp(stack, ALICE);
  const sid = await opSidOfRpSession(stack, browser);
  expect(await rpSignedIn(stack, browser)).toBe(true);
  await query(stack.opDatabaseUrl, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [sid]);
  await waitFor('the expiry sweep to end the RP session', async () => ((await rpSessionsForSid(stack, sid)).length === 0 ? true : undefined), 30_000);
  expect(await rpSignedIn(stack, browser)).toBe(false);
  const deliveries = (await logoutDeliveries(stack)).filter((delivery) => delivery.sid === sid);
  expect(deliveries).toEqual([expect.objectContaining({ status: 'succeeded', last_status: 200 })]);
});
