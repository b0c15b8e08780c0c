// Fault: the RP process is down while commands are queued at the OP. The OP's outbox keeps them
// and retries with backoff; once the RP is back (same port, same database) every command is
// delivered, and each is applied exactly once (the RP's replay table counts the tokens it
// accepted: one per command, none of the attempts made while it was down).
import { randomBytes } from 'node:crypto';
import type { Stack } from '@oidc-ref/stack';
import { enqueue, rpAcceptedJtis, rpAccount, sendAndWait, waitForDelivery, type Delivery } from './helpers/commands.js';
import { startTestStack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_COMMANDS_POLL_MS: '200' } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const newSub = (label: string) => `e2e-${label}-${randomBytes(6).toString('hex')}`;

it('keeps commands while the RP is down and delivers each exactly once when it is back', async () => {
  const [suspendMe, maintainMe, newcomer] = [newSub('suspend'), newSub('maintain'), newSub('new')];
  for (const sub of [suspendMe, maintainMe]) {
    expect(await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub, claims: { email: `${sub}@acme.example` } })).toMatchObject({
      status: 'succeeded',
      last_status: 200,
    });
  }
  const acceptedBefore = await rpAcceptedJtis(stack);

  await stack.stopRp();
  const queued = [
    await enqueue(stack, { command: 'suspend', tenant: 'acme', sub: suspendMe }),
    await enqueue(stack, { command: 'maintain', tenant: 'acme', sub: maintainMe, claims: { email: `${maintainMe}@acme.example`, name: 'Renamed' } }),
    await enqueue(stack, { command: 'activate', tenant: 'acme', sub: newcomer, claims: { email: `${newcomer}@acme.example` } }),
  ];

  // While the RP is down: every delivery is tried, fails on the network, and waits for a retry.
  const waiting: Delivery[] = [];
  for (const { id } of queued) waiting.push(await waitForDelivery(stack, id, (d) => d.attempts >= 2 && d.status === 'pending'));
  for (const d of waiting) {
    expect(d.status).toBe('pending');
    expect(d.attempts).toBeGreaterThanOrEqual(2);
    expect(d.last_status).toBeNull();
    expect(d.last_error).toMatch(/delivery failed/);
    expect(d.completed_at).toBeNull();
    expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  }
  expect((await rpAccount(stack, suspendMe))?.state).toBe('active');
  expect(await rpAccount(stack, newcomer)).toBeUndefined();
  expect(await rpAcceptedJtis(stack)).toBe(acceptedBefore);

  await stack.startRp();

  const done = await Promise.all(queued.map(({ id }) => waitForDelivery(stack, id, undefined, 60_000)));
  const [suspended, maintained, activated] = done;
  // Delivered and applied by this attempt: 200 (not a 409 "converged" from a second application).
  expect(suspended).toMatchObject({ status: 'succeeded', last_status: 200, last_error: null, last_response: { sub: suspendMe, account_state: 'suspended' } });
  expect(maintained).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub: maintainMe, account_state: 'active' } });
  expect(activated).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub: newcomer, account_state: 'active' } });
  for (const d of done) expect(d.attempts).toBeGreaterThan(2);

  // Exactly once: the RP accepted one token per command.
  expect(await rpAcceptedJtis(stack)).toBe(acceptedBefore + queued.length);
  expect((await rpAccount(stack, suspendMe))?.state).toBe('suspended');
  expect((await rpAccount(stack, newcomer))?.state).toBe('active');

  // The RP (its new process) reports the same through audits sent by the OP.
  const audit = await sendAndWait(stack, { command: 'audit', tenant: 'acme', sub: maintainMe });
  expect(audit).toMatchObject({ status: 'succeeded', last_status: 200 });
  expect(audit.last_response).toMatchObject({ sub: maintainMe, account_state: 'active', name: 'Renamed' });
  // Nothing is delivered again later.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await rpAcceptedJtis(stack)).toBe(acceptedBefore + queued.length + 1);
}, 120_000);
