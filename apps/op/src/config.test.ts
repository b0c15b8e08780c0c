import { ConfigError, loadConfig } from './config.js';

it('applies defaults and freezes the result', () => {
  const config = loadConfig({ OP_DATABASE_URL: 'postgresql://localhost/op' });
  expect(config.issuer).toBe('http://localhost:4000');
  expect(config.port).toBe(4000);
  expect(config.secureCookies).toBe(false);
  expect(Object.isFrozen(config)).toBe(true);
});

it('reports every problem at once', () => {
  try {
    loadConfig({ OP_ISSUER: 'https://op.test/', OP_PORT: 'eighty' });
    throw new Error('should have failed');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('OP_ISSUER');
    expect(problems).toContain('OP_PORT');
    expect(problems).toContain('OP_DATABASE_URL');
  }
});

it('rejects an issuer with a query or fragment, and turns on Secure cookies for https', () => {
  expect(() => loadConfig({ OP_ISSUER: 'https://op.test?x=1', OP_DATABASE_URL: 'postgres://h/d' })).toThrow(ConfigError);
  expect(loadConfig({ OP_ISSUER: 'https://op.test', OP_DATABASE_URL: 'postgres://h/d' }).secureCookies).toBe(true);
});

it('configures JWT access tokens and the client cache, with defaults', () => {
  const defaults = loadConfig({ OP_ISSUER: 'https://op.test', OP_DATABASE_URL: 'postgres://h/d' });
  expect(defaults.ttl.jwtAccessToken).toBe(600);
  expect(defaults.accessTokens).toEqual({ signingAlg: 'ES256', audience: 'https://op.test' });
  expect(defaults.clientCacheTtlSeconds).toBe(30);
  const set = loadConfig({
    OP_DATABASE_URL: 'postgres://h/d',
    OP_JWT_ACCESS_TOKEN_TTL_SECONDS: '300',
    OP_ACCESS_TOKEN_SIGNING_ALG: 'RS256',
    OP_ACCESS_TOKEN_AUDIENCE: 'https://api.example',
    OP_CLIENT_CACHE_TTL_SECONDS: '0',
  });
  expect(set.ttl.jwtAccessToken).toBe(300);
  expect(set.accessTokens).toEqual({ signingAlg: 'RS256', audience: 'https://api.example' });
  expect(set.clientCacheTtlSeconds).toBe(0);
  for (const bad of [{ OP_ACCESS_TOKEN_SIGNING_ALG: 'HS256' }, { OP_ACCESS_TOKEN_SIGNING_ALG: 'none' }, { OP_CLIENT_CACHE_TTL_SECONDS: '-1' }]) {
    expect(() => loadConfig({ OP_DATABASE_URL: 'postgres://h/d', ...bad })).toThrow(ConfigError);
  }
});

it('configures the command outbox and the admin API, with defaults', () => {
  const defaults = loadConfig({ OP_DATABASE_URL: 'postgres://h/d' });
  expect(defaults.commands).toEqual({ pollMs: 1000, maxAttempts: 10, concurrency: 16, callbackTtlSeconds: 86400 });
  expect(defaults.adminToken).toBeUndefined();
  const set = loadConfig({
    OP_DATABASE_URL: 'postgres://h/d',
    OP_COMMANDS_POLL_MS: '250',
    OP_COMMANDS_MAX_ATTEMPTS: '3',
    OP_COMMANDS_CONCURRENCY: '4',
    OP_COMMANDS_CALLBACK_TTL_SECONDS: '600',
    OP_ADMIN_TOKEN: 'a'.repeat(32),
  });
  expect(set.commands).toEqual({ pollMs: 250, maxAttempts: 3, concurrency: 4, callbackTtlSeconds: 600 });
  expect(() => loadConfig({ OP_DATABASE_URL: 'postgres://h/d', OP_COMMANDS_CONCURRENCY: '0' })).toThrow(ConfigError);
  expect(set.adminToken).toBe('a'.repeat(32));
  expect(() => loadConfig({ OP_DATABASE_URL: 'postgres://h/d', OP_ADMIN_TOKEN: 'a'.repeat(31) })).toThrow(ConfigError);
  expect(() => loadConfig({ OP_DATABASE_URL: 'postgres://h/d', OP_COMMANDS_MAX_ATTEMPTS: '0' })).toThrow(ConfigError);
});
