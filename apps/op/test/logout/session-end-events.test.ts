import request from 'supertest';
import { createLogger } from '../../src/logger.js';
import type { ClientRecord } from '../../src/repositories/client-repository.js';
import { createSessionExpirySweep } from '../../src/services/logout/session-expiry-sweep.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, signIn } from '../helpers/browser.js';
import { createClient, createUser } from '../helpers/factories.js';
import { signInAt } from './sign-in.js';

const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
let op: TestOp;
let bcl: ClientRecord;
let other: ClientRecord;
let plain: ClientRecord;
let enqueued = 0;

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
  // No worker here: the rows point at https://*.test and stay pending; the tests read them.
  bcl = await createClient(op.repos, { metadata: { backchannel_logout_uri: 'https://rp.test/bcl' } as never });
  other = await createClient(op.repos, { metadata: { backchannel_logout_uri: 'https://other.test/bcl', redirect_uris: ['https://other.test/cb'] } as never });
  plain = await createClient(op.repos);
});
afterAll(() => op.dispose());

const admin = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });
const alive = async (sid: string) => (await op.repos.sessions.findById(sid)) !== null;
const logoutRows = (where: { sid?: string; sub?: string }) =>
  op.db.commandDelivery.findMany({ where: { kind: 'backchannel_logout', ...where }, orderBy: { clientId: 'asc' } });

describe('POST /admin/users/:id/logout (sign out everywhere)', () => {
  it('ends every OP session of the user and enqueues a logout per session and client with a backchannel_logout_uri', async () => {
    const user = await createUser(op.repos);
    const bystander = await createUser(op.repos);
    const laptop = await signInAt(op.app, bcl, user.email);
    await signInAt(op.app, other, user.email, laptop.agent);
    await signInAt(op.app, plain, user.email, laptop.agent);
    const phone = await signInAt(op.app, bcl, user.email);
    const theirs = await signInAt(op.app, bcl, bystander.email);

    const res = await request(op.app).post(`/admin/users/${user.id}/logout`).set(admin()).expect(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.sessions_ended).toBe(2);
    const deliveries = res.body.deliveries as Record<string, unknown>[];
    expect(deliveries).toHaveLength(3);
    expect(deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'backchannel_logout', client_id: bcl.id, sub: user.id, sid: laptop.sid, status: 'pending' }),
        expect.objectContaining({ kind: 'backchannel_logout', client_id: other.id, sub: user.id, sid: laptop.sid }),
        expect.objectContaining({ kind: 'backchannel_logout', client_id: bcl.id, sub: user.id, sid: phone.sid }),
      ]),
    );
    expect(await alive(laptop.sid)).toBe(false);
    expect(await alive(phone.sid)).toBe(false);
    expect(await alive(theirs.sid)).toBe(true);
    // The browser is signed out: a new authorization request needs a login again.
    const { query } = authorizeQuery(bcl, { prompt: 'none' });
    const silent = await laptop.agent.get('/authorize').query(query);
    expect(new URL(silent.headers.location as string).searchParams.get('error')).toBe('login_required');
    // Visible in the admin API like any delivery.
    const shown = await request(op.app).get(`/admin/commands/${deliveries[0]!.id as string}`).set(admin()).expect(200);
    expect(shown.body.kind).toBe('backchannel_logout');

    // Nothing left to end: 202, nothing enqueued.
    expect((await request(op.app).post(`/admin/users/${user.id}/logout`).set(admin()).expect(202)).body).toEqual({ sessions_ended: 0, deliveries: [] });
  });

  it('is 404 for an unknown user and needs the admin token', async () => {
    expect((await request(op.app).post('/admin/users/nobody/logout').set(admin()).expect(404)).body.error).toBe('not_found');
    await request(op.app).post('/admin/users/nobody/logout').expect(401);
  });
});

describe('user deletion (POST /admin/users/:id/delete)', () => {
  it('sends the delete command and also ends the user’s sessions with back-channel logouts', async () => {
    const user = await createUser(op.repos);
    const commands = await createClient(op.repos, {
      metadata: { command_endpoint: 'https://rp.test/commands', backchannel_logout_uri: 'https://rp.test/bcl2' } as never,
    });
    const { sid } = await signInAt(op.app, commands, user.email);
    const res = await request(op.app).post(`/admin/users/${user.id}/delete`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ kind: 'command', command: 'delete', client_id: commands.id, sub: user.id }),
      expect.objectContaining({ kind: 'backchannel_logout', client_id: commands.id, sub: user.id, sid }),
    ]);
    expect(await alive(sid)).toBe(false);
  });

  it.each(['suspend', 'archive', 'invalidate'])('%s also ends the user’s sessions with back-channel logouts', async (command) => {
    const user = await createUser(op.repos);
    const { sid } = await signInAt(op.app, bcl, user.email);
    const res = await request(op.app).post(`/admin/users/${user.id}/${command}`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ kind: 'backchannel_logout', client_id: bcl.id, sub: user.id, sid })]);
    expect(await alive(sid)).toBe(false);
    expect(await logoutRows({ sid })).toHaveLength(1);
  });

  it('reactivate, restore and maintain leave the sessions alone', async () => {
    const user = await createUser(op.repos);
    const { sid } = await signInAt(op.app, bcl, user.email);
    for (const command of ['reactivate', 'restore', 'maintain']) await request(op.app).post(`/admin/users/${user.id}/${command}`).set(admin()).expect(202);
    expect(await alive(sid)).toBe(true);
    expect(await logoutRows({ sid })).toEqual([]);
  });
});

describe('session expiry', () => {
  it('the sweep ends expired sessions only and notifies their RPs', async () => {
    const user = await createUser(op.repos);
    const { sid: old } = await signInAt(op.app, bcl, user.email);
    await op.db.session.update({ where: { id: old }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const { sid: current } = await signInAt(op.app, bcl, user.email);
    const sweep = createSessionExpirySweep({
      logout: op.repos.logout,
      clients: op.repos.clients,
      logger: createLogger('silent'),
      intervalMs: 0,
      batchSize: 1,
      onEnqueued: () => enqueued++,
    });
    const before = enqueued;
    expect(await sweep.runOnce()).toBeGreaterThanOrEqual(1);
    expect(enqueued).toBeGreaterThan(before);
    expect(await alive(old)).toBe(false);
    expect(await alive(current)).toBe(true);
    expect(await logoutRows({ sid: old })).toEqual([expect.objectContaining({ clientId: bcl.id, sub: user.id, status: 'pending' })]);
    expect(await logoutRows({ sid: current })).toEqual([]);
    expect(await sweep.runOnce()).toBe(0);
  });
});

describe('another user signing in over a session', () => {
  it('ends the previous user’s session with back-channel logouts', async () => {
    const alice = await createUser(op.repos);
    const bob = await createUser(op.repos);
    const first = await signInAt(op.app, bcl, alice.email);
    // Bob signs in in the same browser (prompt=login shows the login page again).
    const { query } = authorizeQuery(bcl, { prompt: 'login' });
    await signIn(first.agent, query, bob.email);
    expect(await alive(first.sid)).toBe(false);
    expect(await logoutRows({ sid: first.sid })).toEqual([expect.objectContaining({ clientId: bcl.id, sub: alice.id })]);
  });
});
