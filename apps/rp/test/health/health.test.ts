import path from 'node:path';

import { createTestDatabase, getFreePort, type TestDatabase } from '@oidc-ref/dev-postgres';
import request from 'supertest';

import { createPrismaClient } from '../../src/db/client.js';
import { bootstrap, type TestRp } from '../helpers/bootstrap.js';

let db: TestDatabase;
let rp: TestRp;

beforeAll(async () => {
  db = await createTestDatabase({
    migrationsDir: path.join(__dirname, '../../prisma/migrations'),
    prefix: 'rp_test',
    serverUrl: process.env.TEST_DATABASE_URL,
  });
  rp = bootstrap({ databaseUrl: db.url });
});

afterAll(async () => {
  await rp?.prisma.$disconnect();
  await db?.dispose();
});

describe('health endpoints', () => {
  it('GET /healthz answers 200 { status: "ok" }', async () => {
    const response = await request(rp.app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers', async () => {
    const response = await request(rp.app).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 503 { status: "unavailable" } when the database does not', async () => {
    const port = await getFreePort();
    const prisma = createPrismaClient({
      connectionString: `postgresql://postgres@127.0.0.1:${port}/nowhere`,
      connectionTimeoutMillis: 500,
    });
    try {
      const down = bootstrap({ databaseUrl: db.url, prisma });
      const response = await request(down.app).get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status: 'unavailable' });
      // Liveness does not depend on the database.
      expect((await request(down.app).get('/healthz')).status).toBe(200);
    } finally {
      await prisma.$disconnect();
    }
  });
});
