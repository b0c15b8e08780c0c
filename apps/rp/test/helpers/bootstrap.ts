import path from 'node:path';

import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';

import { createTestDatabase, type TestDatabase } from '@oidc-ref/dev-postgres';

import { createApp } from '../../src/app.js';
import { parseConfig, type RpConfig } from '../../src/config.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { startFakeOp, type FakeOp } from './fake-op.js';

export interface BootstrapOptions {
  /** A migrated database (from `createTestDatabase`). */
  databaseUrl: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  /** Extra RP_* variables, e.g. `{ RP_BASE_URL: 'https://rp.example' }`. */
  env?: Record<string, string>;
  /** Use this client instead of one on `databaseUrl` (e.g. a broken one). */
  prisma?: PrismaClient;
}

export interface TestRp {
  app: Express;
  config: RpConfig;
  prisma: PrismaClient;
  /** A fresh supertest agent with its own cookie jar (one browser). */
  browser(): ReturnType<typeof request.agent>;
}

/**
 * Builds the RP for a test file with test configuration through the real `parseConfig`:
 * silent logs, the given database and issuer. The caller disconnects `prisma` in `afterAll`.
 */
export function bootstrap(options: BootstrapOptions): TestRp {
  const config = parseConfig({
    RP_DATABASE_URL: options.databaseUrl,
    RP_OIDC_ISSUER: options.issuer ?? 'http://127.0.0.1:9',
    RP_CLIENT_ID: options.clientId ?? 'test-rp',
    RP_CLIENT_SECRET: options.clientSecret ?? 'test-secret: with spaces & symbols',
    RP_BASE_URL: 'http://localhost:3000',
    RP_LOG_LEVEL: 'silent',
    ...options.env,
  });
  const prisma = options.prisma ?? createPrismaClient({ connectionString: config.databaseUrl });
  const app = createApp({ config, prisma, logger: pino({ level: 'silent' }) });
  return { app, config, prisma, browser: () => request.agent(app) };
}

export interface RpWithFakeOp {
  db: TestDatabase;
  op: FakeOp;
  rp: TestRp;
  /** Disconnects the RP, closes the fake OP and drops the database. */
  stop(): Promise<void>;
}

/**
 * The usual fixture of a sign-in test file: a fresh database, a fake OP, the RP bound to both.
 * `env` adds RP_* variables, e.g. `{ RP_STEP_UP_POLICY: '{}' }`.
 */
export async function startRpWithFakeOp(options: { env?: Record<string, string> } = {}): Promise<RpWithFakeOp> {
  const db = await createTestDatabase({
    migrationsDir: path.join(__dirname, '../../prisma/migrations'),
    prefix: 'rp_test',
    serverUrl: process.env.TEST_DATABASE_URL,
  });
  const op = await startFakeOp();
  const rp = bootstrap({
    databaseUrl: db.url,
    issuer: op.issuer,
    clientId: op.clientId,
    clientSecret: op.clientSecret,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    db,
    op,
    rp,
    async stop() {
      await rp.prisma.$disconnect();
      await op.close();
      await db.dispose();
    },
  };
}
