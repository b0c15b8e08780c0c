import path from 'node:path';
import type { Express } from 'express';
import { createTestDatabase, type TestDatabase } from '@oidc-ref/dev-postgres';
import { createApp } from '../../src/app.js';
import { loadConfig, type OpConfig } from '../../src/config.js';
import { createDb, databaseCheck, type Db } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { createRepositories, type Repositories } from '../../src/repositories/index.js';
import { createEncryptionKeyService } from '../../src/services/encryption-keys.js';
import { createKeyService, type KeyService } from '../../src/services/keys.js';

export const ISSUER = 'http://op.test';

export interface TestOp {
  app: Express;
  config: OpConfig;
  db: Db;
  repos: Repositories;
  keys: KeyService;
  /** Moves the OP's clock; starts at the real time. */
  clock: { now: Date; advance(seconds: number): void };
  dispose(): Promise<void>;
}

/**
 * A real OP app on a fresh, migrated database (one per test file): createApp plus everything
 * server.ts would build, with a clock the test controls.
 */
export async function bootstrap(env: Record<string, string> = {}): Promise<TestOp> {
  const database: TestDatabase = await createTestDatabase({
    migrationsDir: path.join(__dirname, '../../prisma/migrations'),
    prefix: 'op_test',
    serverUrl: process.env.TEST_DATABASE_URL,
  });
  const config = loadConfig({ OP_ISSUER: ISSUER, OP_DATABASE_URL: database.url, OP_LOG_LEVEL: 'silent', ...env });
  const db = createDb(database.url);
  const repos = createRepositories(db);
  const keys = createKeyService(repos.signingKeys);
  await keys.reload();
  const clock = {
    now: new Date(),
    advance(seconds: number) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
  };
  const encryptionKeys = createEncryptionKeyService(repos.encryptionKeys);
  await encryptionKeys.reload();
  const app = createApp({
    config,
    acrLevels: await repos.acrLevels.list(),
    encryptionKeys,
    repos,
    keys,
    logger: createLogger('silent'),
    now: () => clock.now,
    checkDatabase: databaseCheck(db),
  });
  return {
    app,
    config,
    db,
    repos,
    keys,
    clock,
    async dispose() {
      keys.stop();
      await db.$disconnect();
      await database.dispose();
    },
  };
}
