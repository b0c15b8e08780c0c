import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createDb, databaseCheck } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { bootstrap, type TestOp } from '../helpers/bootstrap.js';

let op: TestOp;
beforeAll(async () => {
  op = await bootstrap();
});
afterAll(() => op.dispose());

it('answers healthz and readyz', async () => {
  expect((await request(op.app).get('/healthz')).body).toEqual({ status: 'ok' });
  const ready = await request(op.app).get('/readyz');
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ok' });
});

it('answers unknown routes with a JSON 404', async () => {
  const res = await request(op.app).get('/nope');
  expect(res.status).toBe(404);
  expect(res.body.error).toBe('not_found');
});

it('reports not ready when the database does not answer', async () => {
  // A client for a server that is not there (nothing listens on port 1).
  const deadDb = createDb('postgresql://postgres:postgres@127.0.0.1:1/none');
  const app = createApp({
    config: op.config,
    repos: op.repos,
    keys: op.keys,
    logger: createLogger('silent'),
    checkDatabase: databaseCheck(deadDb),
  });
  const res = await request(app).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'unavailable' });
  await deadDb.$disconnect();
});
