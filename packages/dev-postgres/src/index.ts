export { startEmbeddedPostgres } from './embedded.js';
export type { RunningPostgres, StartEmbeddedPostgresOptions } from './embedded.js';
export { ensureDatabase, dropDatabase, withDatabase, ping } from './databases.js';
export { applyMigrations } from './migrate.js';
export type { ApplyMigrationsOptions, ApplyMigrationsResult } from './migrate.js';
export { getFreePort } from './ports.js';
export { createTestDatabase } from './test-database.js';
export type { CreateTestDatabaseOptions, TestDatabase } from './test-database.js';
