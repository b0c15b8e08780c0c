import { randomBytes } from 'node:crypto';

import { RP_ROLES } from '../../src/lib/rp-roles.js';
import { setAccountAuthenticationProvider } from '../../src/services/set-account-authentication-provider.js';
import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import type { FakeOp, FakeUser } from '../helpers/fake-op.js';
import { csrfFrom, signIn } from '../helpers/sign-in.js';

// OpenID Provider Commands at the RP: group → role mapping (digest §8), migrate (§5.4, §9, §10.3)
// and the tenant listing behind audit_tenant.
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

function claims(command: string, extra: Record<string, unknown>, tenant: string): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: op.issuer, aud: endpoint(tenant), client_id: op.clientId, iat, exp: iat + 60, jti: randomBytes(12).toString('base64url'), command, tenant, ...extra };
}
const send = (command: string, extra: Record<string, unknown>, tenant: string) =>
  rp.browser().post(`/commands/${encodeURIComponent(tenant)}`).type('form').send({ command_token: op.signCommandToken(claims(command, extra, tenant)) });

const GROUPS = [
  { id: 'admins', display: 'Administrators' },
  { id: 'engineering', display: 'Engineering', description: 'Builds things' },
];
const rolesOn = (page: string): string[] => [...page.matchAll(/data-role="([^"]+)"/g)].map((match) => match[1] ?? '');

function events(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return { event: field('event'), data: JSON.parse(field('data')) as Record<string, unknown> };
    });
}

describe('metadata', () => {
  it('publishes the RP roles and offers migrate', async () => {
    const res = await send('metadata', { metadata: { groups: GROUPS } }, uniq('meta'));
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(RP_ROLES.map((role) => ({ id: role.id, display: role.display, description: role.description })));
    expect(res.body.roles.map((role: { id: string }) => role.id)).toEqual(['viewer', 'editor', 'admin']);
    expect(res.body.commands_supported).toEqual(expect.arrayContaining(['metadata', 'migrate', 'migrate_async', 'audit_tenant']));
  });
});

describe('group → role mapping', () => {
  it('gives the mapped roles of published groups plus a roles claim; a second metadata dropping a group removes its roles', async () => {
    const tenant = uniq('org');
    const user: FakeUser = { sub: uniq('ada'), email: 'ada@org.example', name: 'Ada', tenant, tenant_name: 'Org' };
    expect((await send('metadata', { metadata: { groups: GROUPS } }, tenant)).status).toBe(200);
    const activate = await send('activate', { sub: user.sub, email: user.email, groups: ['admins', 'engineering', 'not-published'], roles: ['viewer', 'root'] }, tenant);
    expect(activate.body).toEqual({ sub: user.sub, account_state: 'active' });
    const row = await rp.prisma.account.findFirst({ where: { sub: user.sub }, select: { groups: true, opRoles: true, authenticationProvider: true } });
    expect(row).toEqual({ groups: ['admins', 'engineering', 'not-published'], opRoles: ['viewer'], authenticationProvider: 'op' });

    const browser = rp.browser();
    await signIn(browser, op, user); // the ID token carries no groups: the provisioned ones stay
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-state="active"');
    expect(rolesOn(page.text)).toEqual(['viewer', 'editor', 'admin']);
    expect(page.text).toContain('href="/tenant/roles"');

    expect((await send('metadata', { metadata: { groups: [GROUPS[1]] } }, tenant)).status).toBe(200);
    expect(rolesOn((await browser.get('/account')).text)).toEqual(['viewer', 'editor']);

    // maintain replaces the groups and roles.
    await send('maintain', { sub: user.sub, email: user.email, groups: [] }, tenant);
    expect(rolesOn((await browser.get('/account')).text)).toEqual([]);
  });

  it('takes groups and roles from the ID token at sign-in', async () => {
    const tenant = uniq('org');
    await send('metadata', { metadata: { groups: GROUPS } }, tenant);
    const user: FakeUser = { sub: uniq('bo'), email: 'bo@org.example', tenant, tenant_name: 'Org' };
    const browser = rp.browser();
    await signIn(browser, op, user, { authorize: { idTokenClaims: { groups: ['engineering'], roles: ['viewer', 'superuser'] } } });
    expect(rolesOn((await browser.get('/account')).text)).toEqual(['viewer', 'editor']);
    expect(await rp.prisma.account.findFirst({ where: { sub: user.sub }, select: { groups: true, opRoles: true } })).toEqual({ groups: ['engineering'], opRoles: ['viewer'] });
  });

  it('lets a tenant admin change the mapping; others are refused', async () => {
    const tenant = uniq('org');
    await send('metadata', { metadata: { groups: GROUPS } }, tenant);
    const admin: FakeUser = { sub: uniq('root'), email: 'root@org.example', tenant, tenant_name: 'Org' };
    const dev: FakeUser = { sub: uniq('dev'), email: 'dev@org.example', tenant, tenant_name: 'Org' };
    await send('activate', { sub: admin.sub, groups: ['admins'] }, tenant);
    await send('activate', { sub: dev.sub, groups: ['engineering'] }, tenant);
    const adminBrowser = rp.browser();
    const devBrowser = rp.browser();
    await signIn(adminBrowser, op, admin);
    await signIn(devBrowser, op, dev);

    expect((await devBrowser.get('/tenant/roles')).status).toBe(403);
    expect((await rp.browser().get('/tenant/roles')).status).toBe(401);
    const form = await adminBrowser.get('/tenant/roles');
    expect(form.status).toBe(200);
    expect(form.headers['cache-control']).toContain('no-store');
    expect(form.text).toContain('name="m.engineering" value="editor" checked');
    const csrf = csrfFrom(form.text);

    const forged = await adminBrowser.post('/tenant/roles').type('form').send({ csrf: 'wrong', 'm.engineering': 'viewer' });
    expect(forged.status).toBe(403);
    const bad = await adminBrowser.post('/tenant/roles').type('form').send({ csrf, 'm.engineering': 'root' });
    expect(bad.status).toBe(400);

    const saved = await adminBrowser.post('/tenant/roles').type('form').send(`csrf=${encodeURIComponent(csrf)}&m.admins=admin&m.engineering=viewer&m.engineering=editor&m.__proto__=viewer`);
    expect(saved.status).toBe(303);
    const stored = await rp.prisma.tenant.findFirst({ where: { externalId: tenant }, select: { roleMapping: true } });
    // A `__proto__` group id is dropped on the way (zod's record parsing), never a prototype write.
    expect(stored?.roleMapping).toEqual({ admins: ['admin'], engineering: ['viewer', 'editor'] });
    expect(rolesOn((await devBrowser.get('/account')).text)).toEqual(['viewer', 'editor']);

    // The admin can take away their own admin role, and the default comes back with reset.
    await adminBrowser.post('/tenant/roles').type('form').send({ csrf, 'm.admins': 'viewer' });
    expect(rolesOn((await adminBrowser.get('/account')).text)).toEqual(['viewer']);
    expect((await adminBrowser.get('/tenant/roles')).status).toBe(403);
    await setMappingToDefault(tenant);
    expect(rolesOn((await adminBrowser.get('/account')).text)).toEqual(['admin']);
  });
});

async function setMappingToDefault(tenant: string): Promise<void> {
  const { Prisma } = await import('../../src/generated/prisma/client.js');
  await rp.prisma.tenant.updateMany({ where: { externalId: tenant }, data: { roleMapping: Prisma.DbNull } });
}

describe('18: migrate', () => {
  const tenant = uniq('corp');
  beforeAll(async () => {
    expect((await send('metadata', { metadata: { domains: ['corp.example'] } }, tenant)).status).toBe(200);
  });
  const rpAccount = async (email: string, provider = 'rp') => {
    const sub = uniq('legacy');
    await setAccountAuthenticationProvider({ prisma: rp.prisma, issuer: op.issuer, tenant, sub, authenticationProvider: provider, create: { email, name: null } });
    return sub;
  };

  it('moves an RP-managed account of a published domain to the OP; audit reports it', async () => {
    const sub = await rpAccount('jo@Corp.example');
    expect((await send('audit', { sub }, tenant)).body).toMatchObject({ sub, account_state: 'active', authentication_provider: 'rp' });
    const res = await send('migrate', { sub, authentication_provider: 'op' }, tenant);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub, account_state: 'active', authentication_provider: 'op' });
    expect((await send('audit', { sub }, tenant)).body).toMatchObject({ sub, account_state: 'active', authentication_provider: 'op' });
    const dual = await send('migrate', { sub, authentication_provider: 'op_migration' }, tenant);
    expect(dual.body).toEqual({ sub, account_state: 'active', authentication_provider: 'op_migration' });
  });

  it('refuses another domain with 403 access_denied, and an external account with 409 authentication_not_transferable', async () => {
    const stranger = await rpAccount('jo@elsewhere.example');
    const denied = await send('migrate', { sub: stranger, authentication_provider: 'op' }, tenant);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'access_denied' });
    const sub = await rpAccount('ex@corp.example', 'external');
    const refused = await send('migrate', { sub, authentication_provider: 'op' }, tenant);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'authentication_not_transferable' });
    expect((await rp.prisma.account.findMany({ where: { sub: { in: [stranger, sub] } }, select: { authenticationProvider: true }, orderBy: { email: 'asc' } })).map((a) => a.authenticationProvider).sort()).toEqual(['external', 'rp']);
  });

  it('requires an active account; migrate_async answers 202; authentication_provider is required', async () => {
    const sub = await rpAccount('sus@corp.example');
    await send('suspend', { sub }, tenant);
    expect((await send('migrate', { sub, authentication_provider: 'op' }, tenant)).body).toEqual({ error: 'incompatible_state', account_state: 'suspended', sub });
    const nobody = uniq('nobody');
    expect((await send('migrate', { sub: nobody, authentication_provider: 'op' }, tenant)).body).toEqual({ error: 'incompatible_state', account_state: 'unknown', sub: nobody });
    const other = await rpAccount('as@corp.example');
    expect((await send('migrate_async', { sub: other, authentication_provider: 'op' }, tenant)).status).toBe(202);
    expect((await rp.prisma.account.findFirst({ where: { sub: other }, select: { authenticationProvider: true } }))?.authenticationProvider).toBe('op');
    expect((await send('migrate', { sub: other }, tenant)).body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses every migrate while the tenant has published no domains', async () => {
    const bare = uniq('bare');
    const sub = uniq('legacy');
    await setAccountAuthenticationProvider({ prisma: rp.prisma, issuer: op.issuer, tenant: bare, sub, authenticationProvider: 'rp', create: { email: 'x@corp.example', name: null } });
    expect((await send('migrate', { sub, authentication_provider: 'op' }, bare)).status).toBe(403);
  });
});

describe('audit_tenant listing', () => {
  it('streams for every account exactly what audit answers for it (activated, signed in, RP-managed, with odd claims)', async () => {
    const tenant = uniq('same');
    const signedIn: FakeUser = { sub: uniq('si'), email: 'si@same.example', name: 'Si', tenant, tenant_name: 'Same' };
    await send('activate', { sub: uniq('act'), email: 'a@same.example', given_name: 'Line\nBreak "quoted"', groups: ['g1'], address: { street_address: 'x\ny' } }, tenant);
    await signIn(rp.browser(), op, signedIn);
    const provisioned = uniq('prov');
    await send('activate', { sub: provisioned, email: 'p@same.example' }, tenant);
    await signIn(rp.browser(), op, { sub: provisioned, email: 'p2@same.example', tenant, tenant_name: 'Same' });
    await setAccountAuthenticationProvider({ prisma: rp.prisma, issuer: op.issuer, tenant, sub: uniq('local'), authenticationProvider: 'external', create: { email: null, name: 'Local' } });
    const suspended = uniq('sus');
    await send('activate', { sub: suspended }, tenant);
    await send('suspend', { sub: suspended }, tenant);

    const res = await send('audit_tenant', {}, tenant);
    const stream = events(res.text);
    const accounts = stream.filter((e) => e.event === 'account-state');
    expect(accounts).toHaveLength(5);
    expect(stream.at(-1)).toEqual({ event: 'command-complete', data: { total_accounts: 5 } });
    for (const { data } of accounts) {
      const audit = await send('audit', { sub: data['sub'] }, tenant);
      expect(data).toEqual(audit.body);
    }
    const bySub = new Map(accounts.map((e) => [e.data['sub'], e.data]));
    expect(bySub.get(signedIn.sub)).toEqual({ sub: signedIn.sub, account_state: 'active', email: 'si@same.example', name: 'Si', authentication_provider: 'op', last_access: expect.any(Number) });
    expect(bySub.get(suspended)).toMatchObject({ account_state: 'suspended' });
    // Claims provisioned by activate survive a later sign-in (which adds last_access).
    expect(bySub.get(provisioned)).toEqual({ sub: provisioned, account_state: 'active', email: 'p@same.example', authentication_provider: 'op', last_access: expect.any(Number) });
  });

  it('pages through more accounts than one page, each once, with their authentication_provider', async () => {
    const tenant = uniq('big');
    await send('metadata', { metadata: {} }, tenant);
    const row = await rp.prisma.tenant.findFirstOrThrow({ where: { externalId: tenant }, select: { id: true } });
    const count = 5003; // one more than a page (5000) and a bit
    await rp.prisma.$executeRaw`
      INSERT INTO accounts (id, tenant_id, issuer, sub, email, state, claims, last_login_at, updated_at, authentication_provider)
      SELECT gen_random_uuid()::text, ${row.id}, ${op.issuer}, 'bulk-' || n, 'bulk' || n || '@big.example',
             CASE WHEN n % 10 = 0 THEN 'suspended' ELSE 'active' END,
             jsonb_build_object('provisioned', jsonb_build_object('email', 'bulk' || n || '@big.example', 'groups', jsonb_build_array('g'))),
             now(), now(), CASE WHEN n = 1 THEN 'rp' ELSE 'op' END
        FROM generate_series(1, ${count}::int) AS n`;
    const res = await send('audit_tenant', {}, tenant);
    expect(res.status).toBe(200);
    const stream = events(res.text);
    const accounts = stream.filter((e) => e.event === 'account-state');
    expect(accounts).toHaveLength(count);
    expect(new Set(accounts.map((e) => e.data['sub'])).size).toBe(count);
    expect(stream.at(-1)).toEqual({ event: 'command-complete', data: { total_accounts: count } });
    expect(accounts.find((e) => e.data['sub'] === 'bulk-1')?.data).toEqual({ sub: 'bulk-1', account_state: 'active', email: 'bulk1@big.example', groups: ['g'], authentication_provider: 'rp' });
    expect(accounts.find((e) => e.data['sub'] === 'bulk-10')?.data).toMatchObject({ account_state: 'suspended', authentication_provider: 'op' });
  });
});
