import { AppError, serializeError } from './errors.js';

describe('serializeError', () => {
  it('keeps the code and message of known errors, but never their detail', () => {
    const serialized = serializeError(new AppError('login_expired', { detail: 'state mismatch for session abc' }));
    expect(serialized.status).toBe(400);
    expect(serialized.body).toEqual({
      error: 'login_expired',
      error_description: 'This sign-in expired or was already used. Please try again.',
    });
    expect(JSON.stringify(serialized)).not.toContain('session abc');
  });

  it('turns anything unexpected into a generic server_error', () => {
    const serialized = serializeError(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(serialized.status).toBe(500);
    expect(serialized.body.error).toBe('server_error');
    expect(JSON.stringify(serialized)).not.toMatch(/ECONNREFUSED|hunter2/);
    expect(serializeError('a string').body.error).toBe('server_error');
    expect(serializeError(null).status).toBe(500);
  });

  it('maps client http-errors (body parser) to invalid_request', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(serializeError(tooLarge)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const hidden = Object.assign(new Error('internal'), { status: 400, expose: false });
    expect(serializeError(hidden).body.error).toBe('server_error');
  });

  it("includes the OP's error code and description for op_error, clipped", () => {
    const serialized = serializeError(
      new AppError('op_error', { opError: { error: 'access_denied', error_description: 'x'.repeat(1000) } }),
    );
    expect(serialized.body.error).toBe('op_error');
    expect(serialized.body.error_description).toContain('access_denied');
    expect(serialized.page.opError?.error).toBe('access_denied');
    expect(serialized.page.opError?.error_description).toHaveLength(300);
  });

  it('gives a 401 its WWW-Authenticate challenge, and other errors no extra headers', () => {
    expect(serializeError(new AppError('unauthenticated'))).toMatchObject({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: { error: 'unauthenticated' },
    });
    expect(serializeError(new AppError('login_expired')).headers).toEqual({});
    expect(serializeError(new Error('x')).headers).toEqual({});
  });

  it('refuses step-ups with 403 and carries the retry link to the page only', () => {
    for (const code of ['step_up_failed', 'step_up_wrong_user', 'step_up_unmet', 'step_up_interaction_required'] as const) {
      expect(new AppError(code).status).toBe(403);
    }
    const failed = serializeError(new AppError('step_up_failed', { retryPath: '/account/export?prompt=login' }));
    expect(failed.page.retryPath).toBe('/account/export?prompt=login');
    expect(JSON.stringify(failed.body)).not.toContain('prompt=login');
    expect(serializeError(new AppError('step_up_unmet', { retryPath: null })).page.retryPath).toBeNull();
    expect(serializeError(new AppError('op_error')).page).not.toHaveProperty('retryPath');
    expect(new AppError('step_up_unmet').description).toContain(
      'This action needs a stronger sign-in (a second factor) that your account cannot provide.',
    );
  });

  it('has a status for every code', () => {
    expect(new AppError('op_unavailable').status).toBe(503);
    expect(new AppError('invalid_csrf').status).toBe(403);
    expect(new AppError('sign_in_failed').status).toBe(502);
    expect(new AppError('tenant_mismatch').status).toBe(409);
    expect(new AppError('not_found').status).toBe(404);
  });
});
