import path from 'node:path';

import { createTestDatabase, getFreePort, type TestDatabase } from '@oidc-ref/dev-postgres';

import { bootstrap, type TestRp } from '../helpers/bootstrap.js';
import { startFakeOp, type FakeOp } from '../helpers/fake-op.js';
import { sessionCookieFrom } from '../helpers/sign-in.js';

let db: TestDatabase;
let rp: TestRp;
let port: number;
let op: FakeOp | undefined;

beforeAll(async () => {
  db = await createTestDatabase({
    migrationsDir: path.join(__dirname, '../../prisma/migrations'),
    prefix: 'rp_test',
    serverUrl: process.env.TEST_DATABASE_URL,
  });
  port = await getFreePort();
  rp = bootstrap({ databaseUrl: db.url, issuer: `http://127.0.0.1:${port}` });
});

afterAll(async () => {
  await rp?.prisma.$disconnect();
  await op?.close();
  await db?.dispose();
});

describe('discovery', () => {
  it('shows a 503 "identity provider is unreachable" page when the OP is down, and creates nothing', async () => {
    const response = await rp.browser().get('/login');
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('The identity provider is unreachable');
    expect(response.text).not.toMatch(/\n\s+at |fetch failed|ECONNREFUSED/);
    expect(sessionCookieFrom(response)).toBeUndefined();
    expect(await rp.prisma.session.count()).toBe(0);

    const json = await rp.browser().get('/login').set('Accept', 'application/json');
    expect(json.status).toBe(503);
    expect(json.body).toEqual({ error: 'op_unavailable', error_description: expect.any(String) });
  });

  it('does not cache the failure: once the OP is up, sign-in starts', async () => {
    op = await startFakeOp({ port });
    const response = await rp.browser().get('/login');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/authorize\\?`));
  });

  it('keeps the discovered configuration once it succeeded', async () => {
    await op!.close();
    op = undefined;
    // The OP is gone again, but /login only needs the memoized metadata to redirect.
    const response = await rp.browser().get('/login');
    expect(response.status).toBe(303);
  });
});
