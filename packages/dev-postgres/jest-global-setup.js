// jest globalSetup: one real Postgres server for the whole run. TEST_DATABASE_URL names an
// existing server to use; without it an embedded server starts in a temp folder. Each test file
// then makes its own throwaway database on it (createTestDatabase), so files run in parallel.
module.exports = async function postgresGlobalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const { startEmbeddedPostgres, getFreePort } = require('./dist/index.js');
  const server = await startEmbeddedPostgres({ port: await getFreePort() });
  globalThis.__OIDC_REF_TEST_PG__ = server;
  process.env.TEST_DATABASE_URL = server.adminUrl;
};
