// OpenID Provider Commands across both apps (digest §14, checks 1–11, 13–16, 19, 20; checks
// 12, 17 and 18 are in commands-pending.e2e.test.ts). Commands the OP can send go through its
// real admin API, outbox and worker, and the test waits for the delivery's final state; tokens
// the OP never produces (malformed, foreign) are signed here with the OP's own key, read from
// its database, and posted straight to the RP's per-tenant command endpoint.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { verifyJwtWithJwks, type JsonWebKeySet, type KeySet } from '@oidc-ref/crypto';
import type { Stack } from '@oidc-ref/stack';
import { Browser, csrfFrom } from '@oidc-ref/test-kit';
import {
  adminApi,
  commandClaims,
  commandEndpointOf,
  enqueue,
  foreignKeys,
  opSigningKeys,
  opUserId,
  parseSse,
  routeTenantTo,
  rpAccount,
  rpSessionCount,
  sendAndWait,
  signAndPost,
  startReceiver,
  waitForDelivery,
  postCommand,
  type Receiver,
} from './helpers/commands.js';
import { BOB, CLIENT_ID, jwtHeader, jwtPayload } from './helpers/oidc.js';
import { signInAtRp } from './helpers/pages.js';
import { startTestStack } from './helpers/stack.js';

// Three attempts keep the retry checks (check 20) short: 0.5–1 s and 1–2 s of backoff.
const MAX_ATTEMPTS = 3;

let stack: Stack;
let keys: KeySet;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startTestStack({ env: { OP_COMMANDS_MAX_ATTEMPTS: String(MAX_ATTEMPTS), OP_COMMANDS_POLL_MS: '200' } });
  keys = await opSigningKeys(stack);
}, 120_000);

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.stop();
});

const newSub = (label: string) => `e2e-${label}-${randomBytes(6).toString('hex')}`;
const newTenant = (label: string) => `t-${label}-${randomBytes(4).toString('hex')}`;

/** Activates `sub` in `tenant` straight at the RP (a token signed with the OP's key). */
async function activateDirect(tenant: string, sub: string) {
  const answer = await signAndPost(keys, commandClaims(stack, tenant, 'activate', { sub, email: `${sub}@example.org` }));
  expect(answer.status).toBe(200);
}

/** An account's state as the RP reports it to an `audit` sent by the OP. */
async function auditedState(tenant: string, sub: string): Promise<unknown> {
  const audit = await sendAndWait(stack, { command: 'audit', tenant, sub });
  expect(audit.status).toBe('succeeded');
  expect(audit.last_status).toBe(200);
  expect(audit.last_response?.['sub']).toBe(sub);
  return audit.last_response?.['account_state'];
}

function expectNoStoreJsonError(answer: { status: number; headers: Headers; json?: Record<string, unknown> }, status: number, error: string) {
  expect(answer.status).toBe(status);
  expect(answer.json?.['error']).toBe(error);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('check 1: a POST without command_token', () => {
  it('answers 400 invalid_request with Cache-Control: no-store', async () => {
    expectNoStoreJsonError(await postCommand(commandEndpointOf(stack, 'acme'), {}), 400, 'invalid_request');
    expectNoStoreJsonError(await postCommand(commandEndpointOf(stack, 'acme'), { something: 'else' }), 400, 'invalid_request');
    expectNoStoreJsonError(await postCommand(commandEndpointOf(stack, 'acme'), { command_token: 'not.a.jwt' }), 400, 'invalid_request');
  });
});

describe('check 2: a token signed with the OP key but of the wrong kind', () => {
  const tenant = newTenant('c2');
  const sub = newSub('c2');

  beforeAll(async () => activateDirect(tenant, sub));

  it('is accepted when well formed (the key and claims are right)', async () => {
    const answer = await signAndPost(keys, commandClaims(stack, tenant, 'audit', { sub }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ sub, account_state: 'active' });
  });

  it('refuses typ JWT, no typ, a nonce and an expired exp with 400 invalid_request, changing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      await signAndPost(keys, commandClaims(stack, tenant, 'suspend', { sub }), { typ: 'JWT' }),
      await signAndPost(keys, commandClaims(stack, tenant, 'suspend', { sub }), { typ: null }),
      await signAndPost(keys, commandClaims(stack, tenant, 'suspend', { sub, nonce: 'n-0S6_WzA2Mj' })),
      await signAndPost(keys, commandClaims(stack, tenant, 'suspend', { sub, iat: now - 300, exp: now - 120 })),
    ];
    for (const answer of cases) expectNoStoreJsonError(answer, 400, 'invalid_request');
    expect((await rpAccount(stack, sub))?.state).toBe('active');
  });
});

describe('check 3: an issuer the RP does not know', () => {
  it('answers 401 unrecognized_provider for a correctly signed token of another OP', async () => {
    const foreign = await foreignKeys();
    const sub = newSub('c3');
    const answer = await signAndPost(foreign, commandClaims(stack, 'acme', 'activate', { sub, iss: 'https://unknown-op.example' }));
    expectNoStoreJsonError(answer, 401, 'unrecognized_provider');
    expect(await rpAccount(stack, sub)).toBeUndefined();
  });

  it('answers 400 invalid_request for the right issuer with a key the OP never published', async () => {
    const sub = newSub('c3b');
    const answer = await signAndPost(await foreignKeys(), commandClaims(stack, 'acme', 'activate', { sub }));
    expectNoStoreJsonError(answer, 400, 'invalid_request');
    expect(await rpAccount(stack, sub)).toBeUndefined();
  });
});

describe('check 4: aud and replay', () => {
  it('refuses aud = client_id and aud = another endpoint with 400 invalid_request', async () => {
    const sub = newSub('c4');
    const url = commandEndpointOf(stack, 'acme');
    const asClientId = await signAndPost(keys, commandClaims(stack, 'acme', 'activate', { sub, aud: CLIENT_ID }), { url });
    expectNoStoreJsonError(asClientId, 400, 'invalid_request');
    const otherEndpoint = await signAndPost(keys, commandClaims(stack, 'acme', 'activate', { sub, aud: commandEndpointOf(stack, 'globex') }), { url });
    expectNoStoreJsonError(otherEndpoint, 400, 'invalid_request');
    expect(await rpAccount(stack, sub)).toBeUndefined();
  });

  it('applies a token once: the same jti again within its lifetime is 400 invalid_request', async () => {
    const tenant = newTenant('c4');
    const sub = newSub('c4r');
    const token = await keys.sign(commandClaims(stack, tenant, 'activate', { sub }), { typ: 'command+jwt' });
    const first = await postCommand(commandEndpointOf(stack, tenant), { command_token: token });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ sub, account_state: 'active' });
    const replay = await postCommand(commandEndpointOf(stack, tenant), { command_token: token });
    expectNoStoreJsonError(replay, 400, 'invalid_request');
    expect((await rpAccount(stack, sub))?.state).toBe('active');
  });
});

describe('check 5: commands the RP does not support', () => {
  it('answers 400 unsupported_command for every command outside its commands_supported', async () => {
    const tenant = newTenant('c5');
    const metadata = await signAndPost(keys, commandClaims(stack, tenant, 'metadata', { metadata: {} }));
    expect(metadata.status).toBe(200);
    const supported = metadata.json?.['commands_supported'] as string[];
    expect(supported).toEqual(expect.arrayContaining(['metadata', 'activate', 'audit_tenant']));
    for (const command of ['frobnicate', 'https://vendor.example/commands/frobnicate', 'audit_tenant_async', 'metadata_async']) {
      expect(supported).not.toContain(command);
      const sub = newSub('c5');
      const answer = await signAndPost(keys, commandClaims(stack, tenant, command, { sub }));
      expectNoStoreJsonError(answer, 400, 'unsupported_command');
      const asTenantCommand = await signAndPost(keys, commandClaims(stack, tenant, command));
      expectNoStoreJsonError(asTenantCommand, 400, 'unsupported_command');
      expect(await rpAccount(stack, sub)).toBeUndefined();
    }
  });

  it('the OP refuses to enqueue a command name it does not know (400 invalid_request)', async () => {
    const answer = await adminApi(stack, 'POST', '/admin/commands', { client_id: CLIENT_ID, command: 'frobnicate', tenant: 'acme', sub: 'x' });
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('invalid_request');
  });
});

describe('check 6: activate', () => {
  it('creates the account (200 active); a second activate is 409 incompatible_state active (the OP: converged)', async () => {
    const sub = newSub('c6');
    const first = await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub, claims: { email: `${sub}@acme.example`, name: 'Six' } });
    expect(first).toMatchObject({ status: 'succeeded', last_status: 200, attempts: 1 });
    expect(first.last_response).toEqual({ sub, account_state: 'active' });
    expect(await rpAccount(stack, sub)).toMatchObject({ state: 'active', tenant: 'acme' });

    const second = await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub, claims: { email: `${sub}@acme.example` } });
    expect(second).toMatchObject({ status: 'converged', last_status: 409 });
    expect(second.last_response).toMatchObject({ error: 'incompatible_state', account_state: 'active' });

    const direct = await signAndPost(keys, commandClaims(stack, 'acme', 'activate', { sub }));
    expectNoStoreJsonError(direct, 409, 'incompatible_state');
    expect(direct.json).toEqual({ error: 'incompatible_state', account_state: 'active', sub });
    expect(await auditedState('acme', sub)).toBe('active');
  });
});

describe('check 7: commands on an unknown account', () => {
  it('suspend, maintain, restore and invalidate answer 409 incompatible_state unknown; nothing is created', async () => {
    const sub = newSub('c7');
    for (const command of ['suspend', 'maintain', 'restore', 'invalidate']) {
      const sent = await sendAndWait(stack, { command, tenant: 'acme', sub });
      expect(sent).toMatchObject({ status: 'failed', last_status: 409, last_error: expect.stringMatching(/^incompatible_state/), attempts: 1 });
      expect(sent.last_response).toMatchObject({ error: 'incompatible_state', account_state: 'unknown' });

      const direct = await signAndPost(keys, commandClaims(stack, 'acme', command, { sub }));
      expectNoStoreJsonError(direct, 409, 'incompatible_state');
      expect(direct.json).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub });
    }
    expect(await rpAccount(stack, sub)).toBeUndefined();
    expect(await auditedState('acme', sub)).toBe('unknown');
  });
});

describe('checks 8 and 10: suspended → archived → deleted', () => {
  const sub = newSub('c8');

  it('check 8: restore on a suspended account is 409 suspended; archive is 200 archived', async () => {
    expect((await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub })).status).toBe('succeeded');
    const suspended = await sendAndWait(stack, { command: 'suspend', tenant: 'acme', sub });
    expect(suspended).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub, account_state: 'suspended' } });

    const restore = await sendAndWait(stack, { command: 'restore', tenant: 'acme', sub });
    expect(restore).toMatchObject({ status: 'failed', last_status: 409, last_error: expect.stringMatching(/^incompatible_state/) });
    expect(restore.last_response).toMatchObject({ account_state: 'suspended' });
    expect((await rpAccount(stack, sub))?.state).toBe('suspended');

    const archived = await sendAndWait(stack, { command: 'archive', tenant: 'acme', sub });
    expect(archived).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub, account_state: 'archived' } });
    expect((await rpAccount(stack, sub))?.state).toBe('archived');
    expect(await auditedState('acme', sub)).toBe('archived');
  });

  it('check 10: delete from archived is 200 unknown; audit then reports unknown and the RP holds no data', async () => {
    const deleted = await sendAndWait(stack, { command: 'delete', tenant: 'acme', sub });
    expect(deleted).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub, account_state: 'unknown' } });
    const audit = await sendAndWait(stack, { command: 'audit', tenant: 'acme', sub });
    expect(audit).toMatchObject({ status: 'succeeded', last_status: 200 });
    expect(audit.last_response).toMatchObject({ sub, account_state: 'unknown' });
    expect(await rpAccount(stack, sub)).toBeUndefined();
    expect(await rpSessionCount(stack, sub)).toBe(0);
    // A repeated delete is 409 unknown: the OP records it as converged (already where it wanted).
    expect(await sendAndWait(stack, { command: 'delete', tenant: 'acme', sub })).toMatchObject({ status: 'converged', last_status: 409 });
  });
});

describe('check 9: suspend ends the sessions of a signed-in user; reactivate lets them back', () => {
  it('bob is signed out at the RP by suspend, refused while suspended, and signs in again after reactivate', async () => {
    const bobSub = await opUserId(stack, BOB.email);
    const { browser } = await signInAtRp(stack, BOB);
    expect(await rpSessionCount(stack, bobSub)).toBeGreaterThan(0);

    // The OP's lifecycle fan-out: every RP where bob signed in, in his tenant (globex).
    const fanOut = await adminApi(stack, 'POST', `/admin/users/${bobSub}/suspend`);
    expect(fanOut.status).toBe(202);
    const deliveries = fanOut.body['deliveries'] as { id: string; client_id: string; tenant: string }[];
    // The suspend command, and (the OP ends bob's OP session too) a Back-Channel Logout.
    expect(deliveries).toEqual([
      expect.objectContaining({ kind: 'command', client_id: CLIENT_ID, tenant: 'globex', command: 'suspend', sub: bobSub }),
      expect.objectContaining({ kind: 'backchannel_logout', client_id: CLIENT_ID, sub: bobSub }),
    ]);
    const suspended = await waitForDelivery(stack, deliveries[0]!.id);
    expect(await waitForDelivery(stack, deliveries[1]!.id)).toMatchObject({ status: 'succeeded' });
    expect(suspended).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub: bobSub, account_state: 'suspended' } });

    expect(await rpSessionCount(stack, bobSub)).toBe(0);
    expect((await rpAccount(stack, bobSub))?.state).toBe('suspended');
    const account = await browser.get(`${stack.rpUrl}/account`);
    expect(account.status).toBeGreaterThanOrEqual(300);
    expect(account.status).toBeLessThan(400);
    // The RP keeps no refresh tokens (demo-rp uses authorization_code only): the session was its only grant.

    // Refused: by the RP ("Account suspended", its callback), or already by the OP when it keeps
    // the user's status too ("This account is suspended", its login page).
    const refused = await signInExpectingRefusal(new Browser());
    expect(refused.status).toBe(403);
    expect(refused.html).toMatch(/account (is )?suspended/i);
    expect(await rpSessionCount(stack, bobSub)).toBe(0);

    const reactivate = await adminApi(stack, 'POST', `/admin/users/${bobSub}/reactivate`);
    expect(reactivate.status).toBe(202);
    const reactivated = await waitForDelivery(stack, (reactivate.body['deliveries'] as { id: string }[])[0]!.id);
    expect(reactivated).toMatchObject({ status: 'succeeded', last_status: 200, last_response: { sub: bobSub, account_state: 'active' } });
    const again = await signInAtRp(stack, BOB);
    expect(again.accountHtml).toContain(BOB.email);
    expect((await rpAccount(stack, bobSub))?.state).toBe('active');
  });
});

/** bob's password sign-in, ending on the RP's callback page or the OP's login page (a refusal). */
async function signInExpectingRefusal(browser: Browser): Promise<{ status: number; html: string }> {
  const start = await browser.get(`${stack.rpUrl}/login`);
  const atOp = await browser.follow(start, `${stack.rpUrl}/login`);
  const html = await atOp.response.text();
  const posted = await browser.postForm(`${atOp.url}/login`, { csrf: csrfFrom(html), email: BOB.email, password: BOB.password });
  const landed = await browser.follow(posted, `${atOp.url}/login`);
  expect(landed.url.startsWith(`${stack.rpUrl}/callback`) || landed.url.startsWith(`${stack.opUrl}/interaction/`)).toBe(true);
  return { status: landed.response.status, html: await landed.response.text() };
}

describe('check 11: sub where it does not belong', () => {
  it('an account command without sub, or a tenant command with sub or aud_sub, is 400 invalid_request', async () => {
    const tenant = newTenant('c11');
    const sub = newSub('c11');
    await activateDirect(tenant, sub);
    expectNoStoreJsonError(await signAndPost(keys, commandClaims(stack, tenant, 'suspend')), 400, 'invalid_request');
    expectNoStoreJsonError(await signAndPost(keys, commandClaims(stack, tenant, 'suspend_tenant', { sub })), 400, 'invalid_request');
    expectNoStoreJsonError(await signAndPost(keys, commandClaims(stack, tenant, 'suspend_tenant', { aud_sub: 'rp-1' })), 400, 'invalid_request');
    expectNoStoreJsonError(await signAndPost(keys, commandClaims(stack, tenant, 'audit_tenant', { sub })), 400, 'invalid_request');
    expect((await rpAccount(stack, sub))?.state).toBe('active');
    // The OP never mints such a token: it refuses the command at enqueue.
    const refused = await adminApi(stack, 'POST', '/admin/commands', { client_id: CLIENT_ID, command: 'suspend_tenant', tenant: 'acme', sub });
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toBe('invalid_request');
  });
});

/** Posts an `audit_tenant` straight to the RP and returns the answer with its events parsed. */
async function auditTenantDirect(tenant: string, headers: Record<string, string> = {}) {
  const answer = await signAndPost(keys, commandClaims(stack, tenant, 'audit_tenant'), { headers: { accept: 'text/event-stream', ...headers } });
  return { ...answer, events: answer.status === 200 ? parseSse(answer.text) : [] };
}

describe('check 13: audit_tenant streams', () => {
  it('streams one account-state per account with ids and one-line JSON, then command-complete with the count', async () => {
    const tenant = newTenant('c13');
    const subs = [newSub('c13a'), newSub('c13b'), newSub('c13c')];
    for (const sub of subs) await activateDirect(tenant, sub);
    const answer = await auditTenantDirect(tenant);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events } = answer;
    for (const event of events) {
      expect(event.id).toEqual(expect.any(String));
      expect(event.id).not.toBe('');
      expect(event.event).toEqual(expect.any(String));
      expect(event.dataLines).toHaveLength(1);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const states = events.filter((e) => e.event === 'account-state').map((e) => JSON.parse(e.dataLines[0]!) as Record<string, unknown>);
    expect(states.map((s) => s['sub']).sort()).toEqual([...subs].sort());
    for (const state of states) expect(state['account_state']).toBe('active');
    expect(events.at(-1)!.event).toBe('command-complete');
    expect(JSON.parse(events.at(-1)!.dataLines[0]!)).toEqual({ total_accounts: 3 });
    expect(events).toHaveLength(4);
  });

  it('an empty tenant produces exactly one event: command-complete with total_accounts 0', async () => {
    const { status, events } = await auditTenantDirect(newTenant('c13e'));
    expect(status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toBe('command-complete');
    expect(JSON.parse(events[0]!.dataLines[0]!)).toEqual({ total_accounts: 0 });
  });

  it('the OP reads a real tenant stream to the end and records the count', async () => {
    const tenant = newTenant('c13op');
    await routeTenantTo(stack, tenant, commandEndpointOf(stack, tenant));
    for (const sub of [newSub('c13x'), newSub('c13y')]) await activateDirect(tenant, sub);
    const audit = await sendAndWait(stack, { command: 'audit_tenant', tenant });
    expect(audit).toMatchObject({ status: 'succeeded', last_status: 200, attempts: 1 });
    expect(audit.last_response).toMatchObject({ stream: 'complete', account_events: 2, total_accounts: 2 });
  });
});

describe('check 14: resuming a stream the RP cannot resume', () => {
  it('answers 404 last-event-id-unavailable', async () => {
    const tenant = newTenant('c14');
    await activateDirect(tenant, newSub('c14'));
    const answer = await auditTenantDirect(tenant, { 'last-event-id': '1' });
    expectNoStoreJsonError(answer, 404, 'last-event-id-unavailable');
  });
});

describe('check 15: delete_tenant', () => {
  it('streams exactly one command-complete {"total_accounts":0}; a following audit_tenant reports 0 accounts', async () => {
    const tenant = newTenant('c15');
    const subs = [newSub('c15a'), newSub('c15b')];
    for (const sub of subs) await activateDirect(tenant, sub);
    const answer = await signAndPost(keys, commandClaims(stack, tenant, 'delete_tenant'), { headers: { accept: 'text/event-stream' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(answer.text);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'command-complete', dataLines: ['{"total_accounts":0}'] });
    expect(events[0]!.id).toEqual(expect.any(String));
    for (const sub of subs) expect(await rpAccount(stack, sub)).toBeUndefined();
    const after = await auditTenantDirect(tenant);
    expect(after.events.map((e) => e.event)).toEqual(['command-complete']);
    expect(JSON.parse(after.events[0]!.dataLines[0]!)).toEqual({ total_accounts: 0 });
  });

  it('through the OP: delete_tenant succeeds with 0 events and the tenant is empty', async () => {
    const tenant = newTenant('c15op');
    await routeTenantTo(stack, tenant, commandEndpointOf(stack, tenant));
    const sub = newSub('c15op');
    await activateDirect(tenant, sub);
    const deleted = await sendAndWait(stack, { command: 'delete_tenant', tenant });
    expect(deleted).toMatchObject({ status: 'succeeded', last_status: 200 });
    expect(deleted.last_response).toMatchObject({ stream: 'complete', account_events: 0, total_accounts: 0 });
    expect(await rpAccount(stack, sub)).toBeUndefined();
    const audit = await sendAndWait(stack, { command: 'audit_tenant', tenant });
    expect(audit.last_response).toMatchObject({ stream: 'complete', total_accounts: 0 });
  });
});

describe('check 16: tenant isolation within one issuer', () => {
  it('a command for tenant globex on an acme account changes nothing and answers 409 unknown', async () => {
    const sub = newSub('c16');
    expect((await sendAndWait(stack, { command: 'activate', tenant: 'acme', sub })).status).toBe('succeeded');
    for (const command of ['suspend', 'maintain', 'delete']) {
      const sent = await sendAndWait(stack, { command, tenant: 'globex', sub });
      // 409 unknown everywhere; for delete, unknown is the target state, so the OP records it as converged.
      expect(sent).toMatchObject({ status: command === 'delete' ? 'converged' : 'failed', last_status: 409 });
      expect(sent.last_response).toMatchObject({ error: 'incompatible_state', account_state: 'unknown' });
      const direct = await signAndPost(keys, commandClaims(stack, 'globex', command, { sub }));
      expect(direct.status).toBe(409);
      expect(direct.json).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub });
    }
    const activateElsewhere = await sendAndWait(stack, { command: 'activate', tenant: 'globex', sub });
    expect(activateElsewhere).toMatchObject({ status: 'failed', last_status: 409 });
    expect(activateElsewhere.last_response).toMatchObject({ account_state: 'unknown' });
    expect(await auditedState('globex', sub)).toBe('unknown');
    expect(await rpAccount(stack, sub)).toMatchObject({ state: 'active', tenant: 'acme' });
    expect(await auditedState('acme', sub)).toBe('active');
  });
});

/** Answers like a correct RP: JSON for account commands, an empty complete stream for tenant ones. */
function answerLikeAnRp(token: string, res: ServerResponse) {
  const claims = jwtPayload(token);
  const command = String(claims['command']);
  if (command.endsWith('_tenant')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end('id: 1\nevent: command-complete\ndata: {"total_accounts":0}\n\n');
    return;
  }
  const state = { suspend: 'suspended', archive: 'archived', delete: 'unknown' }[command] ?? 'active';
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ sub: claims['sub'], account_state: state }));
}

describe('check 19: the tokens the OP sends', () => {
  it('are command+jwt, signed with a key of its jwks_uri, short-lived, unique, for the registered endpoint, with the claims each command allows', async () => {
    const receiver = await startReceiver((req, res) => answerLikeAnRp(req.token, res));
    receivers.push(receiver);
    const tenant = newTenant('c19');
    const endpoint = `${receiver.origin}/rp/commands?tenant=${tenant}`;
    await routeTenantTo(stack, tenant, endpoint);

    const sub = newSub('c19');
    const sent = [
      { command: 'activate', sub, claims: { email: `${sub}@example.org`, given_name: 'Nineteen', groups: ['g1'] } },
      { command: 'maintain', sub, claims: { email: `${sub}@example.org` } },
      { command: 'suspend', sub },
      { command: 'reactivate', sub },
      { command: 'invalidate', sub },
      { command: 'audit', sub },
      { command: 'audit_tenant' },
      { command: 'invalidate_tenant' },
      { command: 'delete_tenant' },
    ];
    for (const input of sent) expect((await sendAndWait(stack, { tenant, ...input })).status).toBe('succeeded');
    expect(receiver.received).toHaveLength(sent.length);

    const discovery = (await (await fetch(`${stack.opUrl}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; issuer: string };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as JsonWebKeySet;
    const kids = jwks.keys.map((key) => (key as { kid?: string }).kid);
    const jtis = new Set<string>();
    for (const [index, request] of receiver.received.entries()) {
      const { command } = sent[index]!;
      expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      const header = jwtHeader(request.token);
      expect(header['typ']).toBe('command+jwt');
      expect(kids).toContain(header['kid']);
      expect(['RS256', 'PS256', 'ES256', 'EdDSA']).toContain(header['alg']);
      const { payload } = await verifyJwtWithJwks(request.token, jwks, { issuer: discovery.issuer, audience: endpoint, typ: 'command+jwt' });
      expect(payload).toEqual(jwtPayload(request.token));
      const exp = payload['exp'] as number;
      const iat = payload['iat'] as number;
      expect(exp - iat).toBeGreaterThan(0);
      expect(exp - iat).toBeLessThanOrEqual(120);
      expect(payload['jti']).toEqual(expect.any(String));
      jtis.add(payload['jti'] as string);
      expect(payload['aud']).toBe(endpoint);
      expect(payload['client_id']).toBe(CLIENT_ID);
      expect(payload['tenant']).toBe(tenant);
      expect(payload['command']).toBe(command);
      expect(payload).not.toHaveProperty('nonce');
      expect(payload).not.toHaveProperty('authentication_provider');
      expect(payload).not.toHaveProperty('metadata');
      if (command.endsWith('_tenant')) {
        expect(payload).not.toHaveProperty('sub');
        expect(payload).not.toHaveProperty('aud_sub');
        expect(request.headers['accept']).toMatch(/text\/event-stream/);
      } else {
        expect(payload['sub']).toBe(sub);
      }
      const profile = ['email', 'given_name', 'groups'].filter((claim) => claim in payload);
      if (command === 'activate') expect(profile).toEqual(['email', 'given_name', 'groups']);
      else if (command === 'maintain') expect(profile).toEqual(['email']);
      else expect(profile).toEqual([]);
    }
    expect(jtis.size).toBe(receiver.received.length);
  });
});

describe('check 20: how the OP reads answers', () => {
  async function receiverFor(label: string, answer: Parameters<typeof startReceiver>[0]) {
    const receiver = await startReceiver(answer);
    receivers.push(receiver);
    const tenant = newTenant(label);
    await routeTenantTo(stack, tenant, `${receiver.origin}/commands/${tenant}`);
    return { receiver, tenant };
  }

  it('treats 204 like 200', async () => {
    const { receiver, tenant } = await receiverFor('c20-204', (_req, res) => {
      res.writeHead(204).end();
    });
    const sent = await sendAndWait(stack, { command: 'suspend', tenant, sub: newSub('c20') });
    expect(sent).toMatchObject({ status: 'succeeded', last_status: 204, attempts: 1, last_error: null });
    expect(receiver.received).toHaveLength(1);
  });

  it('treats a 409 that already shows the target state as converged, and one in another state as failed', async () => {
    const { receiver, tenant } = await receiverFor('c20-409', (req, res) => {
      const claims = jwtPayload(req.token);
      const state = claims['command'] === 'suspend' ? 'suspended' : 'archived';
      res.writeHead(409, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: 'incompatible_state', account_state: state, sub: claims['sub'] }));
    });
    const converged = await sendAndWait(stack, { command: 'suspend', tenant, sub: newSub('c20') });
    expect(converged).toMatchObject({ status: 'converged', last_status: 409, attempts: 1 });
    expect(converged.last_response).toMatchObject({ account_state: 'suspended' });
    const failed = await sendAndWait(stack, { command: 'reactivate', tenant, sub: newSub('c20') });
    expect(failed).toMatchObject({ status: 'failed', last_status: 409, last_error: expect.stringMatching(/^incompatible_state/), attempts: 1 });
    expect(failed.last_response).toMatchObject({ account_state: 'archived' });
    expect(receiver.received).toHaveLength(2);
  });

  it('resumes a dropped stream with Last-Event-Id and a new token (new jti), and counts across both', async () => {
    const { receiver, tenant } = await receiverFor('c20-drop', (req, res, index) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (index === 0) {
        res.write('id: e1\nevent: account-state\ndata: {"sub":"s1","account_state":"active"}\n\n');
        // The connection breaks mid-stream: no command-complete.
        setTimeout(() => res.socket?.destroy(), 200);
        return;
      }
      res.end('id: e2\nevent: account-state\ndata: {"sub":"s2","account_state":"active"}\n\nid: e3\nevent: command-complete\ndata: {"total_accounts":2}\n\n');
    });
    const audit = await sendAndWait(stack, { command: 'audit_tenant', tenant });
    expect(audit).toMatchObject({ status: 'succeeded', last_status: 200, attempts: 2 });
    expect(audit.last_response).toMatchObject({ stream: 'complete', account_events: 2, total_accounts: 2 });
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(first!.headers['last-event-id']).toBeUndefined();
    expect(second!.headers['last-event-id']).toBe('e1');
    expect(jwtPayload(second!.token)['jti']).not.toBe(jwtPayload(first!.token)['jti']);
  });

  it.each([
    ['no command-complete', 'id: 1\nevent: account-state\ndata: {"sub":"s1","account_state":"active"}\n\n'],
    [
      'a wrong total_accounts',
      'id: 1\nevent: account-state\ndata: {"sub":"s1","account_state":"active"}\n\nid: 2\nevent: command-complete\ndata: {"total_accounts":5}\n\n',
    ],
  ])('never takes a stream with %s as complete: retried, then failed after the last attempt', async (_label, body) => {
    const { receiver, tenant } = await receiverFor('c20-bad', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(body);
    });
    const audit = await sendAndWait(stack, { command: 'audit_tenant', tenant });
    expect(audit).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(audit.last_error).toMatch(new RegExp(`^gave up after ${MAX_ATTEMPTS} attempts`));
    expect(audit.last_response).toMatchObject({ stream: 'incomplete' });
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(receiver.received.map((r) => jwtPayload(r.token)['jti'])).size).toBe(MAX_ATTEMPTS);
  });

  it('retries a 503 with a fresh token and succeeds when the RP recovers', async () => {
    const { receiver, tenant } = await receiverFor('c20-503', (req, res, index) => {
      if (index === 0) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
        return;
      }
      answerLikeAnRp(req.token, res);
    });
    const sent = await sendAndWait(stack, { command: 'suspend', tenant, sub: newSub('c20') });
    expect(sent).toMatchObject({ status: 'succeeded', last_status: 200, attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(jwtPayload(receiver.received[1]!.token)['jti']).not.toBe(jwtPayload(receiver.received[0]!.token)['jti']);
  });
});

it('enqueue answers 202 with the pending delivery and its Location', async () => {
  const queued = await enqueue(stack, { command: 'audit', tenant: 'acme', sub: newSub('q') });
  expect(queued.status === 'pending' || queued.status === 'delivering').toBe(true);
  expect((await waitForDelivery(stack, queued.id)).status).toBe('succeeded');
});
