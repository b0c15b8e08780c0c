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
