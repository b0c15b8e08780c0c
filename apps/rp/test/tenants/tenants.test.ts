import { startRpWithFakeOp, type RpWithFakeOp, type TestRp } from '../helpers/bootstrap.js';
import { type FakeOp, type FakeUser } from '../helpers/fake-op.js';
import { sessionCookieFrom, signIn } from '../helpers/sign-in.js';

let op: FakeOp;
let rp: TestRp;

let fixture: RpWithFakeOp;

beforeAll(async () => {
  fixture = await startRpWithFakeOp();
  ({ op, rp } = fixture);
});

afterAll(() => fixture?.stop());

const acme = { tenant: 'acme', tenant_name: 'Acme Corporation' };
const globex = { tenant: 'globex', tenant_name: 'Globex' };

describe('tenants', () => {
  it('puts users of one organisation in one tenant and other organisations in their own', async () => {
    const users: FakeUser[] = [
      { sub: 'u-1', email: 'one@acme.example', ...acme },
      { sub: 'u-2', email: 'two@acme.example', ...acme },
      { sub: 'u-3', email: 'three@globex.example', ...globex },
      { sub: 'u-4', email: 'four@mail.example', tenant: 'personal', tenant_name: 'Personal' },
    ];
    for (const user of users) expect((await signIn(rp.browser(), op, user)).callback.status).toBe(303);

    const tenants = await rp.prisma.tenant.findMany({ include: { accounts: { select: { sub: true } } }, orderBy: { externalId: 'asc' } });
    expect(tenants.map((tenant) => [tenant.externalId, tenant.issuer, tenant.accounts.map((a) => a.sub).sort()])).toEqual([
      ['acme', op.issuer, ['u-1', 'u-2']],
      ['globex', op.issuer, ['u-3']],
      ['personal', op.issuer, ['u-4']],
    ]);
  });

  it('refuses a sign-in that would move an account to another tenant, and creates no session', async () => {
    const sub = 'u-mover';
    expect((await signIn(rp.browser(), op, { sub, email: 'mover@acme.example', ...acme })).callback.status).toBe(303);
    const sessions = await rp.prisma.session.count({ where: { accountId: { not: null } } });

    const browser = rp.browser();
    const { callback } = await signIn(browser, op, { sub, email: 'mover@globex.example', ...globex });
    expect(callback.status).toBe(409);
    expect(callback.text).toContain('Account belongs to another tenant');
    expect(sessionCookieFrom(callback)).toBeUndefined();
    expect(await rp.prisma.session.count({ where: { accountId: { not: null } } })).toBe(sessions);

    const account = await rp.prisma.account.findFirstOrThrow({ where: { sub }, include: { tenant: true } });
    expect(account.tenant.externalId).toBe('acme');
    expect(account.email).toBe('mover@acme.example');
  });
});
