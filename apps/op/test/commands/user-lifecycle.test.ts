import request from 'supertest';
import { seedDemoWorld } from '../../src/seed/demo-world.js';
import { bootstrap, ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { authorizeQuery, browser, csrfFrom, signIn } from '../helpers/browser.js';
import { exchangeCode } from '../helpers/exchange.js';
import { createClient, createUser } from '../helpers/factories.js';
import { ADMIN_TOKEN, admin, commandHarness } from './harness.js';

let op: TestOp;
const h = commandHarness(() => op);

beforeAll(async () => {
  op = await bootstrap({ OP_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterEach(() => h.teardown());
afterAll(() => op.dispose());

const rpClient = (endpoint = 'https://rp.test/commands') => createClient(op.repos, { metadata: { command_endpoint: endpoint } as never });

/** A user signed in at a client with a command endpoint: a browser session and an access token. */
async function signedInUser(organization?: { id: string; name: string }) {
  const user = await createUser(op.repos, organization ? { organization } : {});
  const client = await rpClient();
  const agent = browser(op.app);
  const { query, verifier } = authorizeQuery(client);
  const { params } = await signIn(agent, query, user.email);
  const tokens = await exchangeCode(op.app, client, { code: params.get('code')!, code_verifier: verifier }).expect(200);
  return { user, client, agent, accessToken: tokens.body.access_token as string };
}

/** The login page's answer for `email` (a fresh browser). */
async function tryLogin(client: Awaited<ReturnType<typeof rpClient>>, email: string) {
  const agent = browser(op.app);
  const { query } = authorizeQuery(client);
  const location = (await agent.get('/authorize').query(query).expect(303)).headers.location as string;
  const page = await agent.get(location).expect(200);
  return agent.post(`${location}/login`).type('form').send({ csrf: csrfFrom(page.text), email, password: 'correct horse battery staple' });
}

const userinfo = (token: string) => request(op.app).get('/userinfo').set('Authorization', `Bearer ${token}`);

describe('user lifecycle state at the OP', () => {
  it('suspend: status suspended, sessions ended and tokens revoked with the fan-out; sign-in refused with the reason; reactivate lets them in again', async () => {
    const { user, client, agent, accessToken } = await signedInUser();
    await userinfo(accessToken).expect(200);
    const res = await request(op.app).post(`/admin/users/${user.id}/suspend`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ client_id: client.id, command: 'suspend', sub: user.id })]);
    expect((await op.repos.users.findById(user.id))?.status).toBe('suspended');
    expect(await op.db.session.count({ where: { userId: user.id } })).toBe(0);
    await userinfo(accessToken).expect(401);
    // The old browser session no longer signs the user in: the login page comes back.
    const again = await agent.get('/authorize').query(authorizeQuery(client).query).expect(303);
    expect((await agent.get(again.headers.location as string)).text).toContain('/login"');
    const refused = await tryLogin(client, user.email);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('This account is suspended');

    await request(op.app).post(`/admin/users/${user.id}/reactivate`).set(admin()).expect(202);
    expect((await op.repos.users.findById(user.id))?.status).toBe('active');
    expect((await tryLogin(client, user.email)).status).toBe(303);
  });

  it('archive: status archived and sign-in refused; restore: active again', async () => {
    const { user, client } = await signedInUser();
    await request(op.app).post(`/admin/users/${user.id}/archive`).set(admin()).expect(202);
    expect((await op.repos.users.findById(user.id))?.status).toBe('archived');
    const refused = await tryLogin(client, user.email);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('This account is archived');
    await request(op.app).post(`/admin/users/${user.id}/restore`).set(admin()).expect(202);
    expect((await op.repos.users.findById(user.id))?.status).toBe('active');
  });

  it('invalidate: sessions and tokens end, the user stays active', async () => {
    const { user, accessToken } = await signedInUser();
    await request(op.app).post(`/admin/users/${user.id}/invalidate`).set(admin()).expect(202);
    expect((await op.repos.users.findById(user.id))?.status).toBe('active');
    expect(await op.db.session.count({ where: { userId: user.id } })).toBe(0);
    await userinfo(accessToken).expect(401);
  });

  it('delete: the deliveries are stored, then the user and everything that refers to them is gone', async () => {
    const { user, client } = await signedInUser({ id: 'org-del', name: 'Org' });
    await op.repos.organizations.upsertGroup('org-del', { id: 'g', display: 'G' });
    await op.repos.organizations.addMember('org-del', 'g', user.id);
    const res = await request(op.app).post(`/admin/users/${user.id}/delete`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ client_id: client.id, command: 'delete', sub: user.id, tenant: 'org-del' })]);
    expect(await op.repos.users.findById(user.id)).toBeNull();
    for (const count of [
      op.db.session.count({ where: { userId: user.id } }),
      op.db.consent.count({ where: { userId: user.id } }),
      op.db.accessToken.count({ where: { userId: user.id } }),
      op.db.authorizationCode.count({ where: { userId: user.id } }),
      op.db.groupMember.count({ where: { userId: user.id } }),
    ]) {
      expect(await count).toBe(0);
    }
    await request(op.app).post(`/admin/users/${user.id}/suspend`).set(admin()).expect(404);
  });

  it('remove-from-organization: archive to the organisation tenant, and the user becomes personal', async () => {
    const { user, client } = await signedInUser({ id: 'org-leave', name: 'Org' });
    await op.repos.organizations.upsertGroup('org-leave', { id: 'g', display: 'G' });
    await op.repos.organizations.addMember('org-leave', 'g', user.id);
    const res = await request(op.app).post(`/admin/users/${user.id}/remove-from-organization`).set(admin()).expect(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ client_id: client.id, command: 'archive', tenant: 'org-leave', sub: user.id })]);
    const after = await op.repos.users.findById(user.id);
    expect(after).toMatchObject({ status: 'active', organization: null });
    expect(await op.repos.organizations.groupIdsOf(user.id, 'org-leave')).toEqual([]);
    // Now personal: a second removal is a bad request.
    expect((await request(op.app).post(`/admin/users/${user.id}/remove-from-organization`).set(admin()).expect(400)).body.error).toBe('invalid_request');
    await request(op.app).post('/admin/users/nobody/remove-from-organization').set(admin()).expect(404);
  });
});

describe('OP groups (demo world)', () => {
  it('puts group ids into activate/maintain built from the user, and the groups and domains into metadata', async () => {
    const rp = await h.receiver();
    await seedDemoWorld(op.repos, { rpBaseUrl: 'http://127.0.0.1:1', rpClientSecret: 'demo-secret-0123456789abcdef' });
    await op.repos.clients.setTenantCommandEndpoint('demo-rp', 'acme', rp.url);
    await op.repos.clients.setTenantCommandEndpoint('demo-rp', 'globex', rp.url);
    const alice = (await op.repos.users.findByEmail('alice@acme.example'))!;
    const bob = (await op.repos.users.findByEmail('bob@globex.example'))!;
    await op.repos.consents.grant(alice.id, 'demo-rp', ['openid']);
    await op.repos.consents.grant(bob.id, 'demo-rp', ['openid']);

    const activate = await request(op.app).post(`/admin/users/${alice.id}/activate`).set(admin()).expect(202);
    expect(activate.body.deliveries).toEqual([
      expect.objectContaining({
        client_id: 'demo-rp',
        command: 'activate',
        tenant: 'acme',
        claims: { email: 'alice@acme.example', email_verified: true, name: 'Alice Anderson', groups: ['admins', 'engineering'] },
      }),
    ]);
    const maintain = await request(op.app).post(`/admin/users/${bob.id}/maintain`).set(admin()).expect(202);
    expect(maintain.body.deliveries[0].claims.groups).toEqual(['sales']);
    await request(op.app).post('/admin/commands').set(admin()).send({ client_id: 'demo-rp', command: 'metadata', tenant: 'acme' }).expect(202);
    rp.answer = (cmd) =>
      cmd.payload.command === 'metadata'
        ? { status: 200, body: { context: { iss: ISSUER, tenant: 'acme' }, command_endpoint: rp.url, client_id: 'demo-rp', commands_supported: ['metadata'] } }
        : { status: 200, body: { sub: cmd.payload.sub as string, account_state: 'active' } };
    await h.worker().runOnce();
    const byCommand = Object.fromEntries(rp.received.map((c) => [c.payload.command, c.payload]));
    expect(byCommand.activate).toMatchObject({ sub: alice.id, groups: ['admins', 'engineering'], email: 'alice@acme.example' });
    expect(byCommand.maintain).toMatchObject({ sub: bob.id, groups: ['sales'], tenant: 'globex' });
    expect(byCommand.metadata!.metadata).toMatchObject({
      domains: ['acme.example'],
      groups: [
        { id: 'admins', display: 'Administrators' },
        { id: 'engineering', display: 'Engineering' },
      ],
    });
  });
});
