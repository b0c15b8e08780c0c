// Shared jest preset: TypeScript through @swc/jest to CommonJS. jose, openid-client and
// oauth4webapi ship ESM only, so they are transformed too; `.js` suffixes in relative imports
// (NodeNext style) are stripped so jest resolves the `.ts` sources.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      require.resolve('@swc/jest'),
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/jose@|jose/|\\.pnpm/openid-client@|openid-client/|\\.pnpm/oauth4webapi@|oauth4webapi/|\\.pnpm/@scure\\+|@scure/|\\.pnpm/@noble\\+|@noble/))',
  ],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  injectGlobals: true,
  // CI runs every workspace's tests at once on a 2-core machine: an RSA key generation or a
  // socket filling up can take seconds there. Tests never assert durations (speed lives in
  // bench/); this limit only has to catch a hang.
  testTimeout: 30_000,
};
