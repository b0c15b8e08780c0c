import { normaliseTokenForm } from './token-form.js';

describe('normaliseTokenForm', () => {
  it('keeps single string parameters', () => {
    expect(normaliseTokenForm({ grant_type: 'client_credentials', scope: 'a b' })).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
    });
  });

  it('treats an empty value as absent (RFC 6749 §3.1)', () => {
    expect(normaliseTokenForm({ grant_type: 'refresh_token', scope: '' })).toEqual({ grant_type: 'refresh_token' });
  });

  it('refuses a repeated parameter with invalid_request', () => {
    expect(() => normaliseTokenForm({ grant_type: ['a', 'b'] })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('refuses a non-string value', () => {
    expect(() => normaliseTokenForm({ x: { nested: true } })).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('keeps error descriptions printable', () => {
    try {
      normaliseTokenForm({ 'bad"\nname': ['1', '2'] });
      throw new Error('expected a throw');
    } catch (err) {
      expect((err as { error_description: string }).error_description).toBe('parameter "badname" must not be repeated');
    }
  });

  it('returns an empty form for a missing body', () => {
    expect(normaliseTokenForm(undefined)).toEqual({});
  });
});
