// Issue 6: the demo RP process is down when alice is signed out at the OP. The OP's durable
// outbox keeps the back-channel logout and delivers it once the RP is back (same port, same
// database): the delivery ends `succeeded`, her RP session is gone, and the RP took exactly one
// logout token for it.
import type { Stack } from '@oidc-ref/stack';
import {
  admin,
  logoutJtiCount,
  opSidOfRpSession,
  opUserId,
  rpIsDown,
  rpSessionsForSid,
  rpSignedIn,
  waitFor,
  type Delivery,
} from './helpers/logout.js';
import { ALICE, CLIENT_ID } from './helpers/oidc.js';
import { signInAtRp } from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('delivers the logout token once the RP is back, and her RP session ends', async () => {
  const { browser } = await signInAtRp(stack, ALICE);
  const sid = await opSidOfRpSession(stack, browser);
  const userId = await opUserId(stack, ALICE.email);
  const jtis = await logoutJtiCount(stack);

  await stack.stopRp();
  expect(await rpIsDown(stack)).toBe(true);

  // The admin signs her out everywhere while the RP is down.
  const { status, body } = await admin(stack, 'POST', `/admin/users/${userId}/logout`);
  expect(status).toBe(202);
  const { deliveries } = body as { deliveries: Delivery[] };
  expect(deliveries).toHaveLength(1);
  const id = deliveries[0]!.id;
  expect(deliveries[0]).toMatchObject({ kind: 'backchannel_logout', client_id: CLIENT_ID, sid, sub: userId });

  // The first attempt fails on the closed port and is scheduled again (not failed).
  const retrying = await waitFor(
    'a failed first attempt',
    async () => {
      const view = (await admin(stack, 'GET', `/admin/commands/${id}`)).body as Delivery;
      return view.attempts >= 1 && view.status === 'pending' ? view : undefined;
    },
    15_000,
  );
  expect(retrying.last_status).toBeNull();
  expect(retrying.last_error).toBeTruthy();
  // Her RP session is still in the RP database: nobody could tell the RP yet.
  expect(await rpSessionsForSid(stack, sid)).toHaveLength(1);

  await stack.startRp();

  const delivered = await waitFor(
    'the retried delivery to succeed',
    async () => {
      const view = (await admin(stack, 'GET', `/admin/commands/${id}`)).body as Delivery;
      expect(view.status).not.toBe('failed');
      return view.status === 'succeeded' ? view : undefined;
    },
    30_000,
  );
  expect(delivered).toMatchObject({ kind: 'backchannel_logout', status: 'succeeded', last_status: 200 });
  expect(delivered.attempts).toBeGreaterThanOrEqual(2);

  expect(await rpSignedIn(stack, browser)).toBe(false);
  expect(await rpSessionsForSid(stack, sid)).toEqual([]);
  // Delivered once: the RP recorded one logout token (jti) for it, and nothing is left to retry.
  expect(await logoutJtiCount(stack)).toBe(jtis + 1);
  const { body: list } = await admin(stack, 'GET', `/admin/commands?client_id=${CLIENT_ID}`);
  expect((list as { deliveries: Delivery[] }).deliveries.filter((delivery) => delivery.kind === 'backchannel_logout')).toEqual([
    expect.objectContaining({ id, status: 'succeeded' }),
  ]);
});
