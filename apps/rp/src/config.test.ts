import { ConfigError, parseConfig } from './config.js';

const minimal = { RP_DATABASE_URL: 'postgresql://rp@localhost:5432/rp', RP_CLIENT_SECRET: 's3cret' };

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('invalid_config');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(minimal);
    expect(config).toEqual({
      port: 3000,
      baseUrl: 'http://localhost:3000',
      redirectUri: 'http://localhost:3000/callback',
      databaseUrl: minimal.RP_DATABASE_URL,
      issuer: 'http://localhost:4000',
      allowInsecureIssuer: true,
      clientId: 'demo-rp',
      clientSecret: 's3cret',
      sessionTtlSeconds: 28_800,
      logLevel: 'info',
      secureCookies: false,
      acrValues: ['urn:oidc-ref:acr:pwd', 'urn:oidc-ref:acr:mfa'],
      stepUpPolicy: { export_account_data: { acr: 'urn:oidc-ref:acr:mfa', maxAge: 300 } },
    });
  });

  it('returns a frozen object', () => {
    const config = parseConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.acrValues)).toBe(true);
    expect(Object.isFrozen(config.stepUpPolicy)).toBe(true);
    expect(Object.isFrozen(config.stepUpPolicy.export_account_data)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      ...minimal,
      RP_PORT: '8080',
      RP_BASE_URL: 'https://rp.example/',
      RP_OIDC_ISSUER: 'https://op.example/tenant/',
      RP_CLIENT_ID: 'my-rp',
      RP_SESSION_TTL_SECONDS: '3600',
      RP_LOG_LEVEL: 'silent',
    });
    expect(config).toMatchObject({
      port: 8080,
      baseUrl: 'https://rp.example',
      redirectUri: 'https://rp.example/callback',
      // The issuer is an identifier compared exactly: no normalisation.
      issuer: 'https://op.example/tenant/',
      allowInsecureIssuer: false,
      clientId: 'my-rp',
      sessionTtlSeconds: 3600,
      logLevel: 'silent',
      secureCookies: true,
    });
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ ...minimal, RP_PORT: '', RP_LOG_LEVEL: ' ' }).port).toBe(3000);
    expect(problemsOf({ ...minimal, RP_CLIENT_SECRET: '' })).toEqual(['RP_CLIENT_SECRET is required']);
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        RP_PORT: 'eighty',
        RP_BASE_URL: 'ftp://rp.example',
        RP_OIDC_ISSUER: 'http://op.example',
        RP_SESSION_TTL_SECONDS: '5',
        RP_LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      'RP_PORT must be a number',
      'RP_BASE_URL must be an absolute http(s) URL without query, fragment or credentials',
      'RP_DATABASE_URL is required',
      'RP_OIDC_ISSUER must use https unless its host is a loopback address (localhost, 127.0.0.1, [::1])',
      'RP_CLIENT_SECRET is required',
      'RP_SESSION_TTL_SECONDS must be at least 60',
      'RP_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('allows a plain-http issuer only on a loopback host', () => {
    for (const issuer of ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000']) {
      expect(parseConfig({ ...minimal, RP_OIDC_ISSUER: issuer }).allowInsecureIssuer).toBe(true);
    }
    expect(problemsOf({ ...minimal, RP_OIDC_ISSUER: 'http://localhost.evil.example' })).toHaveLength(1);
  });

  it('refuses issuers with a query or fragment, and non-postgres database URLs', () => {
    expect(problemsOf({ ...minimal, RP_OIDC_ISSUER: 'https://op.example/?x=1' })).toHaveLength(1);
    expect(problemsOf({ ...minimal, RP_OIDC_ISSUER: 'https://op.example/#x' })).toHaveLength(1);
    expect(problemsOf({ ...minimal, RP_DATABASE_URL: 'mysql://localhost/rp' })).toEqual([
      'RP_DATABASE_URL must be a postgres:// or postgresql:// connection string',
    ]);
  });

  it('refuses out-of-range ports and fractional values', () => {
    expect(problemsOf({ ...minimal, RP_PORT: '70000' })).toEqual(['RP_PORT must be between 0 and 65535']);
    expect(problemsOf({ ...minimal, RP_SESSION_TTL_SECONDS: '60.5' })).toEqual(['RP_SESSION_TTL_SECONDS must be an integer']);
  });

  it('reads the acr ranking and the step-up policy', () => {
    const config = parseConfig({
      ...minimal,
      RP_ACR_VALUES: '  urn:a   urn:b\turn:c ',
      RP_STEP_UP_POLICY: '{ "export_account_data": { "acr": "urn:b" } }',
    });
    expect(config.acrValues).toEqual(['urn:a', 'urn:b', 'urn:c']);
    expect(config.stepUpPolicy).toEqual({ export_account_data: { acr: 'urn:b' } });
    // An empty policy is a policy: no action needs more than a signed-in session.
    expect(parseConfig({ ...minimal, RP_STEP_UP_POLICY: '{}' }).stepUpPolicy).toEqual({});
  });

  it('refuses a malformed acr ranking', () => {
    expect(problemsOf({ ...minimal, RP_ACR_VALUES: 'urn:a urn:b urn:a', RP_STEP_UP_POLICY: '{}' })).toEqual([
      'RP_ACR_VALUES must not repeat a value',
    ]);
    expect(problemsOf({ ...minimal, RP_ACR_VALUES: 'urn:"a"', RP_STEP_UP_POLICY: '{}' })).toEqual([
      'RP_ACR_VALUES must be visible ASCII without quotes or backslashes',
    ]);
  });

  it('refuses a step-up policy that is not JSON, names unknown actions or fields, or bad values', () => {
    expect(problemsOf({ ...minimal, RP_STEP_UP_POLICY: '{export_account_data: 1}' })).toEqual(['RP_STEP_UP_POLICY must be JSON']);
    expect(problemsOf({ ...minimal, RP_STEP_UP_POLICY: '{"export_acount_data":{"acr":"urn:oidc-ref:acr:mfa"}}' })).toEqual([
      'RP_STEP_UP_POLICY (root): Unrecognized key: "export_acount_data"',
    ]);
    expect(problemsOf({ ...minimal, RP_STEP_UP_POLICY: '{"export_account_data":{"acr":"urn:oidc-ref:acr:mfa","max_age":300}}' })).toHaveLength(1);
    expect(problemsOf({ ...minimal, RP_STEP_UP_POLICY: '{"export_account_data":{"acr":"urn:oidc-ref:acr:mfa","maxAge":-1}}' })).toHaveLength(1);
    expect(problemsOf({ ...minimal, RP_STEP_UP_POLICY: '[]' })).toHaveLength(1);
  });

  it('refuses a step-up policy whose acr the ranking does not know, together with other problems', () => {
    expect(problemsOf({ ...minimal, RP_PORT: 'x', RP_ACR_VALUES: 'urn:a urn:b' })).toEqual([
      'RP_PORT must be a number',
      'RP_STEP_UP_POLICY export_account_data.acr: urn:oidc-ref:acr:mfa is not one of the ranked acr values (urn:a urn:b)',
    ]);
  });

  it('never puts the secret in its error message', () => {
    try {
      parseConfig({ ...minimal, RP_CLIENT_SECRET: 'super-secret-value', RP_PORT: 'x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain('super-secret-value');
    }
  });
});
