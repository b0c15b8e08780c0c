import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from './databases.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded.js';
import { applyMigrations } from './migrate.js';
import { getFreePort } from './ports.js';

export interface TestDatabase {
  url: string;
  /** Drops the database and stops the embedded server if one was started. */
  dispose(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  migrationsDir: string;
  /** Prefix of the throwaway database's name, e.g. `op_test`. */
  prefix: string;
  /**
   * An existing server to use (any database URL on it; the maintenance database is reached
   * through it). Without one, an embedded server starts in a temp folder.
   */
  serverUrl?: string;
}

/**
 * A fresh, migrated database for one test run, on a real Postgres: the given server, or an
 * embedded one started for the run. Dispose drops it (and stops the server it started).
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  let server: RunningPostgres | undefined;
  let adminUrl: string;
  if (options.serverUrl) {
    adminUrl = withDatabase(options.serverUrl, 'postgres');
  } else {
    server = await startEmbeddedPostgres({ port: await getFreePort() });
    adminUrl = server.adminUrl;
  }
  const name = `${options.prefix}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  await applyMigrations({ connectionString: url, migrationsDir: options.migrationsDir });
  return {
    url,
    async dispose() {
      await dropDatabase(adminUrl, name);
      await server?.stop();
    },
  };
}
