import request from 'supertest';
import type { Response } from 'supertest';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { createClient, createUser } from '../helpers/factories.js';

const ADMIN_TOKEN = 'console-admin-token-0123456789-abcdefgh';
let op: TestOp;

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => op.dispose());

/** The console cookie (`name=value`) a response set. */
function consoleCookie(res: Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('op_admin_console='));
  if (!header) throw new Error('no console cookie set');
  return header.split(';')[0]!;
}

async function signIn(): Promise<string> {
  const res = await request(op.app).post('/admin/console/sign-in').type('form').send({ token: ADMIN_TOKEN }).expect(303);
  expect(res.headers.location).toBe('/admin/console/users');
  return consoleCookie(res);
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function pageWithCsrf(cookie: string, path = '/admin/console/users') {
  const res = await request(op.app).get(path).set('Cookie', cookie).expect(200);
  return { html: res.text, csrf: csrfOf(res.text) };
}

const rpClient = () => createClient(op.repos, { metadata: { command_endpoint: 'https://rp.test/commands' } as never });

describe('signing in', () => {
  it('sends a visitor without a session to the sign-in form; JSON views answer 401', async () => {
    for (const path of ['/admin/console', '/admin/console/users', '/admin/console/send', '/admin/console/deliveries']) {
      const res = await request(op.app).get(path).expect(303);
      expect(res.headers.location).toBe('/admin/console/sign-in');
    }
    const json = await request(op.app).get('/admin/console/deliveries.json').expect(401);
    expect(json.body.error).toBe('invalid_token');
    const form = await request(op.app).get('/admin/console/sign-in').expect(200);
    expect(form.text).toContain('name="token"');
    expect(form.text).toContain('type="password"');
  });

  it('refuses a wrong token with 401 and no cookie', async () => {
    const res = await request(op.app).post('/admin/console/sign-in').type('form').send({ token: `${ADMIN_TOKEN}x` }).expect(401);
    expect(res.text).toContain('That is not the admin token.');
    expect(res.headers['set-cookie']).toBeUndefined();
    await request(op.app).post('/admin/console/sign-in').type('form').send({}).expect(401);
  });

  it('starts an HttpOnly, SameSite=Strict session scoped to the console with the right token', async () => {
    const res = await request(op.app).post('/admin/console/sign-in').type('form').send({ token: ADMIN_TOKEN }).expect(303);
    const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('op_admin_console='))!;
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Strict/i);
    expect(header).toMatch(/Path=\/admin\/console/);
    expect(header).not.toContain(ADMIN_TOKEN);
    const users = await request(op.app).get('/admin/console/users').set('Cookie', consoleCookie(res)).expect(200);
    expect(users.text).toContain('<h1>Users</h1>');
    expect(users.headers['cache-control']).toBe('no-store');
  });

  it('does not accept a tampered or expired cookie, nor the admin token as a cookie', async () => {
    const cookie = await signIn();
    const [name, value] = cookie.split('=') as [string, string];
    const tampered = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await request(op.app).get('/admin/console/users').set('Cookie', tampered).expect(303)).headers.location).toBe('/admin/console/sign-in');
    const later = value.replace(/^\d+/, (issued) => String(Number(issued) - 10));
    await request(op.app).get('/admin/console/users').set('Cookie', `${name}=${later}`).expect(303);
    await request(op.app).get('/admin/console/users').set('Cookie', `${name}=${ADMIN_TOKEN}`).expect(303);
    op.clock.advance(8 * 60 * 60 + 5);
    try {
      await request(op.app).get('/admin/console/users').set('Cookie', cookie).expect(303);
    } finally {
      op.clock.advance(-(8 * 60 * 60 + 5));
    }
  });

  it('signs out (with the CSRF token): the cookie is cleared', async () => {
    const cookie = await signIn();
    const { csrf } = await pageWithCsrf(cookie);
    await request(op.app).post('/admin/console/sign-out').set('Cookie', cookie).type('form').send({}).expect(403);
    const res = await request(op.app).post('/admin/console/sign-out').set('Cookie', cookie).type('form').send({ csrf }).expect(303);
    expect(res.headers.location).toBe('/admin/console/sign-in');
    expect(String(res.headers['set-cookie'])).toMatch(/op_admin_console=;/);
  });

  it('is not there at all without OP_ADMIN_TOKEN', async () => {
    const bare = await bootstrap();
    try {
      await request(bare.app).get('/admin/console/sign-in').expect(404);
      await request(bare.app).post('/admin/console/sign-in').type('form').send({ token: ADMIN_TOKEN }).expect(404);
    } finally {
      await bare.dispose();
    }
  });

  it('sends a CSP that runs only the page script carrying this response nonce', async () => {
    const cookie = await signIn();
    const res = await request(op.app).get('/admin/console/deliveries').set('Cookie', cookie).expect(200);
    const csp = String(res.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const scripts = [...res.text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts).toEqual([` nonce="${nonce}"`]);
    const again = await request(op.app).get('/admin/console/deliveries').set('Cookie', cookie).expect(200);
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });
});

describe('user actions', () => {
  it('require the session CSRF token: none or a wrong one is 403 and sends nothing', async () => {
    const user = await createUser(op.repos, { organization: { id: 'org-csrf', name: 'Csrf Org' } });
    const client = await rpClient();
    await op.repos.consents.grant(user.id, client.id, ['openid']);
    const cookie = await signIn();
    const other = await pageWithCsrf(await signIn());
    for (const form of [{ command: 'suspend' }, { command: 'suspend', csrf: 'x' }, { command: 'suspend', csrf: other.csrf }]) {
      const res = await request(op.app).post(`/admin/console/users/${user.id}/actions`).set('Cookie', cookie).type('form').send(form).expect(403);
      expect(res.text).toContain('CSRF');
    }
    // No session at all: back to the sign-in form, nothing sent.
    await request(op.app).post(`/admin/console/users/${user.id}/actions`).type('form').send({ command: 'suspend', csrf: other.csrf }).expect(303);
    expect(await op.repos.commandDeliveries.list({ clientId: client.id, limit: 10 })).toEqual([]);
  });

  it('lists users with their organisation and fans suspend out to the RPs they signed in to', async () => {
    const user = await createUser(op.repos, { name: 'Dana Doe', organization: { id: 'org-fan', name: 'Fan Org' } });
    const client = await rpClient();
    await op.repos.consents.grant(user.id, client.id, ['openid']);
    const cookie = await signIn();
    const { html, csrf } = await pageWithCsrf(cookie);
    expect(html).toContain('Dana Doe');
    expect(html).toContain('Fan Org');
    expect(html).toContain(`action="/admin/console/users/${user.id}/actions"`);
    for (const action of ['suspend', 'reactivate', 'archive', 'restore', 'delete', 'invalidate']) expect(html).toContain(`value="${action}"`);

    const res = await request(op.app).post(`/admin/console/users/${user.id}/actions`).set('Cookie', cookie).type('form').send({ csrf, command: 'suspend' }).expect(303);
    expect(res.headers.location).toBe('/admin/console/users?done=suspend&count=1');
    const deliveries = await op.repos.commandDeliveries.list({ clientId: client.id, limit: 10 });
    expect(deliveries).toEqual([expect.objectContaining({ command: 'suspend', tenant: 'org-fan', sub: user.id, status: 'pending' })]);
    const after = await request(op.app).get(res.headers.location!).set('Cookie', cookie).expect(200);
    expect(after.text).toContain('suspend sent to 1 RP: see Deliveries.');
  });

  it('refuses an unknown action (400) and an unknown user (404)', async () => {
    const user = await createUser(op.repos);
    const cookie = await signIn();
    const { csrf } = await pageWithCsrf(cookie);
    await request(op.app).post(`/admin/console/users/${user.id}/actions`).set('Cookie', cookie).type('form').send({ csrf, command: 'audit_tenant' }).expect(400);
    await request(op.app).post('/admin/console/users/nobody/actions').set('Cookie', cookie).type('form').send({ csrf, command: 'suspend' }).expect(404);
  });
});

describe('sending a command', () => {
  it('enqueues any command for a client with a command endpoint and shows its delivery page', async () => {
    const client = await rpClient();
    const cookie = await signIn();
    const { html, csrf } = await pageWithCsrf(cookie, '/admin/console/send');
    expect(html).toContain(`<option value="${client.id}"`);
    expect(html).toContain('<option value="audit_tenant"');
    const res = await request(op.app)
      .post('/admin/console/send')
      .set('Cookie', cookie)
      .type('form')
      .send({ csrf, client_id: client.id, command: 'activate', tenant: 'acme', sub: 'jane', claims: '{"email":"jane@example.org"}' })
      .expect(303);
    const [delivery] = await op.repos.commandDeliveries.list({ clientId: client.id, limit: 1 });
    expect(delivery).toMatchObject({ command: 'activate', tenant: 'acme', sub: 'jane', claims: { email: 'jane@example.org' }, status: 'pending' });
    expect(res.headers.location).toBe(`/admin/console/deliveries/${delivery!.id}`);
    const page = await request(op.app).get(res.headers.location!).set('Cookie', cookie).expect(200);
    expect(page.text).toContain(delivery!.id);
    expect(page.text).toContain('jane@example.org');
  });

  it('re-shows the form with the reason for a command the OP refuses, and needs the CSRF token', async () => {
    const client = await rpClient();
    const cookie = await signIn();
    const { csrf } = await pageWithCsrf(cookie, '/admin/console/send');
    const cases = [
      [{ client_id: client.id, command: 'suspend_tenant', tenant: 'acme', sub: 'u' }, 'The command was not sent'],
      [{ client_id: client.id, command: 'activate', tenant: 'acme', sub: 'u', claims: '[1]' }, 'Claims must be a JSON object.'],
      [{ client_id: 'nobody', command: 'suspend', tenant: 'acme', sub: 'u' }, 'unknown client_id'],
    ] as const;
    for (const [form, reason] of cases) {
      const res = await request(op.app).post('/admin/console/send').set('Cookie', cookie).type('form').send({ csrf, ...form }).expect(400);
      expect(res.text).toContain(reason);
    }
    await request(op.app).post('/admin/console/send').set('Cookie', cookie).type('form').send({ client_id: client.id, command: 'audit_tenant', tenant: 'acme' }).expect(403);
    expect(await op.repos.commandDeliveries.list({ clientId: client.id, limit: 10 })).toEqual([]);
  });
});

describe('deliveries', () => {
  const HOSTILE = '<script>alert("rp")</script><img src=x onerror=alert(1)>';

  /** Claims due rows as a worker would (earlier tests left some) and returns the one with `id`. */
  async function claim(id: string) {
    const rows = await op.repos.commandDeliveries.claimDue({ now: new Date(Date.now() + 1000), leaseUntil: new Date(Date.now() + 60_000), limit: 200 });
    const row = rows.find((r) => r.id === id);
    expect(row).toBeDefined();
    return row;
  }

  /** A delivery whose RP answered with hostile text in its body and error. */
  async function answeredDelivery(clientId: string) {
    const created = await op.repos.commandDeliveries.create({ clientId, command: 'audit', tenant: 'acme', sub: 'u-1', now: op.clock.now });
    const claimed = await claim(created.id);
    await op.repos.commandDeliveries.recordAttempt(created.id, claimed!.attempts, {
      status: 'failed',
      lastStatus: 400,
      lastError: HOSTILE,
      lastResponse: { error: HOSTILE, error_description: `"'&${HOSTILE}` },
      now: new Date(),
    });
    return created.id;
  }

  it('shows the RP answer escaped in the table, on the delivery page, and as plain JSON for the live script', async () => {
    const client = await rpClient();
    const id = await answeredDelivery(client.id);
    const cookie = await signIn();
    for (const path of ['/admin/console/deliveries', `/admin/console/deliveries/${id}`]) {
      const res = await request(op.app).get(path).set('Cookie', cookie).expect(200);
      expect(res.text).toContain(id.slice(0, 8));
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).not.toContain('<img src=x');
      expect(res.text).toContain('&lt;script&gt;alert(');
      expect(res.text).toContain('badge failed');
    }
    const list = await request(op.app).get('/admin/console/deliveries.json').set('Cookie', cookie).expect(200);
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    const shown = (list.body.deliveries as { id: string; last_error: string; status: string }[]).find((d) => d.id === id);
    expect(shown).toMatchObject({ status: 'failed', last_error: HOSTILE });
    const one = await request(op.app).get(`/admin/console/deliveries/${id}.json`).set('Cookie', cookie).expect(200);
    expect(one.body.delivery).toMatchObject({ id, status: 'failed', last_status: 400, last_response: { error: HOSTILE } });
    expect(one.body.accounts).toBeNull();
    await request(op.app).get('/admin/console/deliveries/nope.json').set('Cookie', cookie).expect(404);
  });

  it('shows the stream progress of a streaming command', async () => {
    const client = await rpClient();
    const created = await op.repos.commandDeliveries.create({ clientId: client.id, command: 'audit_tenant', tenant: 'acme', now: op.clock.now });
    const claimed = await claim(created.id);
    await op.repos.commandDeliveries.recordAttempt(created.id, claimed!.attempts, {
      status: 'succeeded',
      lastStatus: 200,
      lastResponse: { stream: 'complete', account_events: 3, total_accounts: 3, last_event_id: '3' },
      now: new Date(),
    });
    const cookie = await signIn();
    const page = await request(op.app).get(`/admin/console/deliveries/${created.id}`).set('Cookie', cookie).expect(200);
    expect(page.text).toContain('Stream progress');
    expect(page.text).toContain('3 of 3 accounts (complete)');
    expect(page.text).toContain('<progress max="3" value="3">');
  });

  it('lists the stored accounts of an audit_tenant (the audit_accounts table) on its page and in its JSON', async () => {
    // The table of the OP's audit_tenant result storage; created here where this schema has none yet.
    await op.db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS audit_accounts (
      delivery_id TEXT NOT NULL, seq INTEGER NOT NULL, sub TEXT NOT NULL, account_state TEXT NOT NULL,
      last_access BIGINT, authentication_provider TEXT, claims JSONB NOT NULL, PRIMARY KEY (delivery_id, seq))`);
    const client = await rpClient();
    const created = await op.repos.commandDeliveries.create({ clientId: client.id, command: 'audit_tenant', tenant: 'acme', now: op.clock.now });
    for (const [seq, sub, state] of [[2, 'sub-<b>two</b>', 'suspended'], [1, 'sub-one', 'active']] as const) {
      await op.db.$executeRaw`INSERT INTO audit_accounts (delivery_id, seq, sub, account_state, authentication_provider, claims) VALUES (${created.id}, ${seq}, ${sub}, ${state}, 'op', '{}'::jsonb)`;
    }
    const cookie = await signIn();
    const page = await request(op.app).get(`/admin/console/deliveries/${created.id}`).set('Cookie', cookie).expect(200);
    expect(page.text).toContain('Accounts reported');
    expect(page.text).toContain('sub-one');
    expect(page.text).toContain('sub-&lt;b&gt;two&lt;/b&gt;');
    expect(page.text.indexOf('sub-one')).toBeLessThan(page.text.indexOf('sub-&lt;b&gt;two'));
    const json = await request(op.app).get(`/admin/console/deliveries/${created.id}.json`).set('Cookie', cookie).expect(200);
    expect(json.body.accounts).toEqual([
      { seq: 1, sub: 'sub-one', account_state: 'active', authentication_provider: 'op' },
      { seq: 2, sub: 'sub-<b>two</b>', account_state: 'suspended', authentication_provider: 'op' },
    ]);
  });
});
