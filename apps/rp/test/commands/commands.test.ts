import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { FakeOp, FakeUser } from '../helpers/fake-op.js';
import { signIn } from '../helpers/sign-in.js';

// OpenID Provider Commands at the RP, checked against the digest's acceptance checks (§14).
let fixture: RpWithFakeOp;
let op: FakeOp;
let rp: TestRp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});
afterAll(() => fixture?.stop());

const endpoint = (tenant: string) => `http://localhost:3000/commands/${encodeURIComponent(tenant)}`;
const uniq = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

function claims(command: string, extra: Record<string, unknown> = {}, tenant = 'acme'): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: op.issuer, aud: endpoint(tenant), client_id: op.clientId, iat, exp: iat + 60, jti: randomBytes(12).toString('base64url'), command, tenant, ...extra };
}

const postToken = (token: string | undefined, tenant = 'acme', headers: Record<string, string> = {}) =>
  rp.browser().post(`/commands/${encodeURIComponent(tenant)}`).set(headers).type('form').send(token === undefined ? {} : { command_token: token });
const send = (command: string, extra: Record<string, unknown> = {}, tenant = 'acme', headers: Record<string, string> = {}) =>
  postToken(op.signCommandToken(claims(command, extra, tenant)), tenant, headers);

function events(text: string): { id: string | undefined; event: string | undefined; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      expect(lines.filter((line) => line.startsWith('data:'))).toHaveLength(1);
      return { id: field('id'), event: field('event'), data: JSON.parse(field('data') ?? 'null') as Record<string, unknown> };
    });
}

const stateOf = async (sub: string) => (await rp.prisma.account.findFirst({ where: { sub }, select: { state: true } }))?.state ?? 'unknown';

it('1: a POST without command_token is 400 invalid_request with no-store', async () => {
  const res = await postToken(undefined);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: 'invalid_request' });
  expect(res.headers['cache-control']).toBe('no-store');
});

describe('2: typ, nonce and exp', () => {
  it.each([['JWT'], [null]])('refuses typ %p', async (typ) => {
    const res = await postToken(op.signCommandToken(claims('activate', { sub: uniq('u') }), typ));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a nonce and an expired token', async () => {
    for (const extra of [{ nonce: 'n' }, { iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }]) {
      const sub = uniq('u');
      const res = await send('activate', { sub, ...extra });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
      expect(await stateOf(sub)).toBe('unknown');
    }
  });
});

it('3: an unknown iss is 401 unrecognized_provider', async () => {
  const res = await postToken(op.signCommandToken({ ...claims('activate', { sub: uniq('u') }), iss: 'https://stranger.example' }));
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ error: 'unrecognized_provider' });
});

describe('4: aud and replay', () => {
  it.each([['the client_id', () => op.clientId], ['another endpoint', () => endpoint('globex')]])('refuses aud = %s', async (_name, aud) => {
    const sub = uniq('u');
    const res = await postToken(op.signCommandToken({ ...claims('activate', { sub }), aud: aud() }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
    expect(await stateOf(sub)).toBe('unknown');
  });

  it('refuses a replayed jti', async () => {
    const token = op.signCommandToken(claims('audit', { sub: uniq('u') }));
    expect((await postToken(token)).status).toBe(200);
    const replay = await postToken(token);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a client_id of another client and a tenant that is not the URL’s', async () => {
    expect((await postToken(op.signCommandToken({ ...claims('audit', { sub: 'x' }), client_id: 'other' }))).body).toMatchObject({ error: 'invalid_request' });
    const res = await postToken(op.signCommandToken({ ...claims('audit', { sub: 'x' }), tenant: 'globex' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
  });
});

it('5: unknown or unoffered commands are 400 unsupported_command', async () => {
  // Every draft 02 command is offered; a tenant command has no _async variant.
  for (const command of ['frobnicate', 'audit_tenant_async', 'https://vendor.example/cmd']) {
    const res = await send(command, { sub: uniq('u') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unsupported_command' });
  }
});

it('6: activate creates the account; a second activate is 409 active', async () => {
  const sub = uniq('u');
  const first = await send('activate', { sub, email: 'new@acme.example', name: 'New', groups: ['g1'] });
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('no-store');
  expect(first.body).toEqual({ sub, account_state: 'active' });
  expect(await rp.prisma.account.findFirst({ where: { sub }, select: { state: true, email: true, name: true } })).toEqual({ state: 'active', email: 'new@acme.example', name: 'New' });
  const second = await send('activate', { sub });
  expect(second.status).toBe(409);
  expect(second.body).toEqual({ error: 'incompatible_state', account_state: 'active', sub });
});

it('7: suspend, maintain, restore or invalidate on an unknown account are 409 unknown', async () => {
  for (const command of ['suspend', 'maintain', 'restore', 'invalidate', 'unauthorize']) {
    const sub = uniq('nobody');
    const res = await send(command, { sub });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub });
    expect(await stateOf(sub)).toBe('unknown');
  }
});

it('8: restore on suspended is 409 suspended; archive on suspended is 200 archived', async () => {
  const sub = uniq('u');
  await send('activate', { sub });
  expect((await send('suspend', { sub })).body).toEqual({ sub, account_state: 'suspended' });
  const restore = await send('restore', { sub });
  expect(restore.status).toBe(409);
  expect(restore.body).toEqual({ error: 'incompatible_state', account_state: 'suspended', sub });
  const archive = await send('archive', { sub });
  expect(archive.status).toBe(200);
  expect(archive.body).toEqual({ sub, account_state: 'archived' });
  expect(await stateOf(sub)).toBe('archived');
  expect((await send('restore', { sub })).body).toEqual({ sub, account_state: 'active' });
});

describe('9: suspend ends sessions and blocks sign-in; reactivate lets the user back', () => {
  const alice: FakeUser = { sub: uniq('alice'), email: 'alice@acme.example', name: 'Alice', tenant: 'acme', tenant_name: 'Acme' };

  it('works end to end', async () => {
    const browser = rp.browser();
    await signIn(browser, op, alice);
    expect((await browser.get('/account')).status).toBe(200);

    const suspend = await send('suspend', { sub: alice.sub });
    expect(suspend.status).toBe(200);
    expect(suspend.body).toEqual({ sub: alice.sub, account_state: 'suspended' });
    expect((await browser.get('/account')).status).toBe(303);
    const account = await rp.prisma.account.findFirst({ where: { sub: alice.sub }, select: { id: true } });
    expect(await rp.prisma.session.count({ where: { accountId: account?.id ?? 'none' } })).toBe(0);

    const again = await signIn(rp.browser(), op, alice);
    expect(again.callback.status).toBe(403);
    expect(again.callback.text).toContain('Account suspended');

    expect((await send('reactivate', { sub: alice.sub })).body).toEqual({ sub: alice.sub, account_state: 'active' });
    const back = rp.browser();
    await signIn(back, op, alice);
    const page = await back.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('active');
  });

  it('invalidate ends the sessions but keeps the account active', async () => {
    const bob: FakeUser = { ...alice, sub: uniq('bob') };
    const browser = rp.browser();
    await signIn(browser, op, bob);
    expect((await browser.get('/account')).status).toBe(200);
    expect((await send('invalidate', { sub: bob.sub })).body).toEqual({ sub: bob.sub, account_state: 'active' });
    expect((await browser.get('/account')).status).toBe(303);
    expect(await stateOf(bob.sub)).toBe('active');
  });

  it('an archived account cannot sign in and sees why', async () => {
    const carol: FakeUser = { ...alice, sub: uniq('carol') };
    await signIn(rp.browser(), op, carol);
    expect((await send('archive', { sub: carol.sub })).status).toBe(200);
    const attempt = await signIn(rp.browser(), op, carol);
    expect(attempt.callback.status).toBe(403);
    expect(attempt.callback.text).toContain('Account archived');
  });
});

it('10: delete from archived is 200 unknown; a later audit is 200 unknown and no data is left', async () => {
  const sub = uniq('u');
  await send('activate', { sub, email: 'gone@acme.example' });
  await send('archive', { sub });
  const del = await send('delete', { sub });
  expect(del.status).toBe(200);
  expect(del.body).toEqual({ sub, account_state: 'unknown' });
  const audit = await send('audit', { sub });
  expect(audit.status).toBe(200);
  expect(audit.body).toEqual({ sub, account_state: 'unknown' });
  expect(await rp.prisma.account.count({ where: { sub } })).toBe(0);
  expect((await send('delete', { sub })).body).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub });
});

it('audit reports the state and retained claims', async () => {
  const sub = uniq('u');
  await send('activate', { sub, email: 'kept@acme.example', groups: ['g1'] });
  await send('maintain', { sub, email: 'changed@acme.example', groups: ['g2'] });
  const audit = await send('audit', { sub });
  expect(audit.status).toBe(200);
  expect(audit.body).toMatchObject({ sub, account_state: 'active', email: 'changed@acme.example', groups: ['g2'] });
});

it('11: an account command without sub, or a tenant command with sub or aud_sub, is 400 invalid_request', async () => {
  for (const [command, extra] of [['suspend', {}], ['audit_tenant', { sub: 'x' }], ['audit_tenant', { aud_sub: 'x' }], ['metadata', { sub: 'x', metadata: {} }]] as const) {
    const res = await send(command, extra);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
  }
});

it('12: metadata answers the RP metadata and replaces the stored OP metadata', async () => {
  const tenant = uniq('meta');
  const groups = [{ id: 'g1', display: 'One' }, { id: 'g2', display: 'Two' }];
  const first = await send('metadata', { metadata: { groups, domains: ['acme.example'] } }, tenant);
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('no-store');
  expect(first.body).toMatchObject({ context: { iss: op.issuer, tenant }, command_endpoint: endpoint(tenant), client_id: op.clientId });
  expect(first.body.commands_supported).toEqual(expect.arrayContaining(['metadata', 'activate', 'invalidate', 'audit_tenant']));
  expect(first.body.commands_supported).not.toContain('unauthorize');
  await send('metadata', { metadata: { groups: [groups[0]] } }, tenant);
  const row = await rp.prisma.tenant.findFirst({ where: { externalId: tenant }, select: { opMetadata: true } });
  expect(row?.opMetadata).toEqual({ groups: [groups[0]] });
});

describe('13–15: streaming tenant commands', () => {
  it('13: audit_tenant streams one account-state per account, then command-complete', async () => {
    const tenant = uniq('stream');
    const subs = [uniq('a'), uniq('b'), uniq('c')];
    for (const sub of subs) await send('activate', { sub }, tenant);
    await send('suspend', { sub: subs[2] }, tenant);
    const res = await send('audit_tenant', {}, tenant, { accept: 'text/event-stream' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toBe('no-store');
    const stream = events(res.text);
    expect(stream.every((e) => e.id !== undefined && e.event !== undefined)).toBe(true);
    expect(new Set(stream.map((e) => e.id)).size).toBe(stream.length);
    const accounts = stream.filter((e) => e.event === 'account-state');
    expect(accounts.map((e) => [e.data['sub'], e.data['account_state']]).sort()).toEqual([[subs[0], 'active'], [subs[1], 'active'], [subs[2], 'suspended']].sort());
    expect(stream.at(-1)).toMatchObject({ event: 'command-complete', data: { total_accounts: 3 } });

    const empty = events((await send('audit_tenant', {}, uniq('empty'))).text);
    expect(empty).toEqual([{ id: '1', event: 'command-complete', data: { total_accounts: 0 } }]);
  });

  it('suspend_tenant, invalidate_tenant and archive_tenant touch the right accounts', async () => {
    const tenant = uniq('bulk');
    const [a, b] = [uniq('a'), uniq('b')];
    await send('activate', { sub: a }, tenant);
    await send('activate', { sub: b }, tenant);
    await send('suspend', { sub: b }, tenant);
    const inv = events((await send('invalidate_tenant', {}, tenant)).text);
    expect(inv).toEqual([
      { id: '1', event: 'account-state', data: { sub: a, account_state: 'active' } },
      { id: '2', event: 'command-complete', data: { total_accounts: 1 } },
    ]);
    const sus = events((await send('suspend_tenant', {}, tenant)).text);
    expect(sus.map((e) => e.data)).toEqual([{ sub: a, account_state: 'suspended' }, { total_accounts: 1 }]);
    const arc = events((await send('archive_tenant', {}, tenant)).text);
    expect(arc.at(-1)?.data).toEqual({ total_accounts: 2 });
    expect([await stateOf(a), await stateOf(b)]).toEqual(['archived', 'archived']);
  });

  it('14: a Last-Event-Id the RP cannot honour is 404 last-event-id-unavailable', async () => {
    const res = await send('audit_tenant', {}, 'acme', { 'Last-Event-Id': '42' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'last-event-id-unavailable' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('15: delete_tenant yields one command-complete with 0 and leaves the tenant empty', async () => {
    const tenant = uniq('doomed');
    for (const sub of [uniq('a'), uniq('b')]) await send('activate', { sub }, tenant);
    const del = events((await send('delete_tenant', {}, tenant)).text);
    expect(del).toEqual([{ id: '1', event: 'command-complete', data: { total_accounts: 0 } }]);
    const audit = events((await send('audit_tenant', {}, tenant)).text);
    expect(audit).toEqual([{ id: '1', event: 'command-complete', data: { total_accounts: 0 } }]);
    expect(await rp.prisma.account.count({ where: { tenant: { externalId: tenant } } })).toBe(0);
  });
});

it('16: a command for tenant B on a sub of tenant A changes nothing and is 409 unknown', async () => {
  const [tenantA, tenantB] = [uniq('ta'), uniq('tb')];
  const sub = uniq('u');
  await send('activate', { sub }, tenantA);
  for (const command of ['suspend', 'delete', 'activate', 'maintain']) {
    const res = await send(command, { sub }, tenantB);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub });
  }
  expect(await stateOf(sub)).toBe('active');
  expect((await send('audit', { sub }, tenantB)).body).toEqual({ sub, account_state: 'unknown' });
});

describe('17 (RP half): _async commands answer 202 and report to callback_endpoint', () => {
  it('POSTs the result with the Bearer callback_token', async () => {
    const received: { authorization: string | undefined; type: string | undefined; body: unknown }[] = [];
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        res.statusCode = 204;
        res.end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const tenant = uniq('async');
      const callbackEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
      expect((await send('metadata', { metadata: { callback_endpoint: callbackEndpoint } }, tenant)).status).toBe(200);
      const sub = uniq('u');
      const res = await send('activate_async', { sub, callback_token: 'cb-secret' }, tenant);
      expect(res.status).toBe(202);
      await arrival;
      expect(received).toEqual([{ authorization: 'Bearer cb-secret', type: 'application/json', body: { sub, account_state: 'active' } }]);
      expect(await stateOf(sub)).toBe('active');

      // A wrong state is still a synchronous 409.
      const again = await send('activate_async', { sub, callback_token: 'cb-secret' }, tenant);
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ error: 'incompatible_state', account_state: 'active', sub });
      // callback_token on a synchronous command is refused.
      expect((await send('suspend', { sub, callback_token: 'x' }, tenant)).body).toMatchObject({ error: 'invalid_request' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

it('suspend_tenant ends the sessions of every account it suspends', async () => {
  const tenant = uniq('org');
  const dave: FakeUser = { sub: uniq('dave'), email: 'dave@org.example', name: 'Dave', tenant, tenant_name: 'Org' };
  const browser = rp.browser();
  await signIn(browser, op, dave);
  expect((await browser.get('/account')).status).toBe(200);
  const stream = events((await send('suspend_tenant', {}, tenant)).text);
  expect(stream).toEqual([
    { id: '1', event: 'account-state', data: { sub: dave.sub, account_state: 'suspended' } },
    { id: '2', event: 'command-complete', data: { total_accounts: 1 } },
  ]);
  expect((await browser.get('/account')).status).toBe(303);
  expect((await signIn(rp.browser(), op, dave)).callback.text).toContain('Account suspended');
});
