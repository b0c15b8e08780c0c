import * as client from 'openid-client';
import pino from 'pino';

import { AppError } from '../errors.js';
import { createOidcClient, isNetworkError, translateOidcError } from './oidc-client.js';

describe('translateOidcError', () => {
  it('maps an authorization error response to op_error with the OP code', () => {
    const params = new URLSearchParams({ error: 'access_denied', error_description: 'no' });
    const error = translateOidcError(new client.AuthorizationResponseError('authorization response error', { cause: params }), 'callback');
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('op_error');
    expect(error.opError).toEqual({ error: 'access_denied', error_description: 'no' });
  });

  it('maps a token endpoint error body to op_error', () => {
    const error = translateOidcError(
      new client.ResponseBodyError('server responded with an error', {
        cause: { error: 'invalid_grant' },
        response: new Response(null, { status: 400 }),
      }),
      'token',
    );
    expect(error.code).toBe('op_error');
    expect(error.opError?.error).toBe('invalid_grant');
  });

  it('maps network failures and timeouts to op_unavailable', () => {
    expect(translateOidcError(new TypeError('fetch failed'), 'token').code).toBe('op_unavailable');
    expect(translateOidcError(new DOMException('timed out', 'TimeoutError'), 'token').code).toBe('op_unavailable');
  });

  it('maps verification failures to sign_in_failed and keeps the reason in the detail only', () => {
    const failure = Object.assign(new client.ClientError('unexpected JWT claim value encountered'), {
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
    });
    const error = translateOidcError(failure, 'token');
    expect(error.code).toBe('sign_in_failed');
    expect(error.detail).toContain('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    expect(error.description).not.toContain('JWT');
  });

  it('passes AppErrors through', () => {
    const original = new AppError('login_expired');
    expect(translateOidcError(original, 'x')).toBe(original);
  });
});

describe('isNetworkError', () => {
  it('recognises only transport failures', () => {
    expect(isNetworkError(new TypeError('fetch failed'))).toBe(true);
    expect(isNetworkError(new TypeError('"currentUrl" must be an instance of URL'))).toBe(false);
    expect(isNetworkError(new Error('fetch failed'))).toBe(false);
    expect(isNetworkError('fetch failed')).toBe(false);
  });
});

describe('createOidcClient', () => {
  it('turns a failed discovery into op_unavailable (no network: an unsupported scheme fails locally)', async () => {
    const oidc = createOidcClient({
      config: { issuer: 'ftp://op.invalid', clientId: 'c', clientSecret: 's', allowInsecureIssuer: false },
      logger: pino({ level: 'silent' }),
    });
    await expect(oidc.getConfiguration()).rejects.toMatchObject({ code: 'op_unavailable', status: 503 });
  });
});
