import { OAUTH_ERROR_CODES, OAuthErrorResponseSchema, isOAuthErrorCode } from './error-response.js';

describe('OAuthErrorResponseSchema', () => {
  it('accepts an authorization-endpoint error with state and iss', () => {
    const body = {
      error: 'login_required',
      error_description: 'The user is not logged in; prompt=none cannot continue',
      error_uri: 'https://docs.example.com/errors#login_required',
      state: 'af0ifjsldkj',
      iss: 'https://op.example.com/t/acme',
    };
    expect(OAuthErrorResponseSchema.parse(body)).toEqual(body);
  });

  it('accepts a token-endpoint error with only error', () => {
    expect(OAuthErrorResponseSchema.parse({ error: 'invalid_grant' })).toEqual({ error: 'invalid_grant' });
  });

  it('accepts an extension error code', () => {
    expect(OAuthErrorResponseSchema.safeParse({ error: 'slow_down' }).success).toBe(true);
  });

  it('accepts every boundary character of the RFC 6749 charset', () => {
    const allowed = ' !#[]~';
    expect(OAuthErrorResponseSchema.safeParse({ error: 'x', error_description: allowed }).success).toBe(true);
  });

  it.each([
    ['a double quote', 'bad"code'],
    ['a backslash', 'bad\\code'],
    ['a newline', 'bad\ncode'],
    ['a tab', 'bad\tcode'],
    ['DEL', 'bad\x7Fcode'],
    ['non-ASCII', 'café'],
    ['the empty string', ''],
  ])('rejects error containing %s', (_label, error) => {
    expect(OAuthErrorResponseSchema.safeParse({ error }).success).toBe(false);
    expect(OAuthErrorResponseSchema.safeParse({ error: 'invalid_request', error_description: error }).success).toBe(false);
  });

  it('rejects a missing error', () => {
    expect(OAuthErrorResponseSchema.safeParse({ error_description: 'x' }).success).toBe(false);
  });

  it.each<[string, unknown]>([
    ['error_uri', 'not a uri'],
    ['state', ''],
    ['iss', 'https://op.example.com/?q=1'],
    ['error', 400],
  ])('rejects %s = %p', (member, value) => {
    expect(OAuthErrorResponseSchema.safeParse({ error: 'invalid_request', [member]: value }).success).toBe(false);
  });
});

describe('OAUTH_ERROR_CODES', () => {
  it('lists the 24 common codes once each, all in the RFC 6749 charset', () => {
    expect(OAUTH_ERROR_CODES).toHaveLength(24);
    expect(new Set(OAUTH_ERROR_CODES).size).toBe(24);
    for (const code of OAUTH_ERROR_CODES) {
      expect(OAuthErrorResponseSchema.safeParse({ error: code }).success).toBe(true);
    }
    expect(OAUTH_ERROR_CODES).toEqual(
      expect.arrayContaining(['invalid_grant', 'interaction_required', 'unmet_authentication_requirements']),
    );
  });

  it('isOAuthErrorCode narrows to the known codes only', () => {
    expect(isOAuthErrorCode('invalid_token')).toBe(true);
    expect(isOAuthErrorCode('slow_down')).toBe(false);
    expect(isOAuthErrorCode(undefined)).toBe(false);
  });
});
