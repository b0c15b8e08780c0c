// Shared flat config. Each workspace's eslint.config.js is three lines:
//   const { node } = require('@oidc-ref/eslint-config');
//   module.exports = node(__dirname);
// House rules enforced here: apps never import apps, `jose` only inside packages/crypto,
// `process.env` only in config.ts, prisma.config.ts, CLIs and test setup.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const ENV_ALLOWED = [
  '**/jest-global-*.js',
  '**/src/config.ts',
  '**/prisma.config.ts',
  '**/src/cli/**',
  '**/test/**',
  '**/*.test.ts',
  '**/jest.*.js',
  '**/jest.*.ts',
];

function node(dir, { allowJose = false } = {}) {
  return tseslint.config(
    { ignores: ['dist/**', 'src/generated/**', 'coverage/**', '*.config.js', 'jest.config.js'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { tsconfigRootDir: dir } },
      rules: {
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: ['**/apps/*', '@oidc-ref/op', '@oidc-ref/rp'], message: 'Apps never import apps; cross HTTP instead.' },
              ...(allowJose ? [] : [{ group: ['jose', 'jose/*'], message: 'Use @oidc-ref/crypto: it is the only wrapper around jose.' }]),
            ],
          },
        ],
        'no-restricted-properties': [
          'error',
          { object: 'process', property: 'env', message: 'Read configuration in src/config.ts only.' },
        ],
      },
    },
    {
      // Plain CommonJS scripts (jest setup files and the like).
      files: ['**/*.js'],
      languageOptions: {
        sourceType: 'commonjs',
        globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
      },
      rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
    { files: ENV_ALLOWED, rules: { 'no-restricted-properties': 'off' } },
  );
}

module.exports = { node };
