module.exports = async function postgresGlobalTeardown() {
  const server = globalThis.__OIDC_REF_TEST_PG__;
  if (server) await server.stop();
};
