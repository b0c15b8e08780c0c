import { signJwtWithSecret } from '@oidc-ref/crypto';
import { JWT_BEARER_ASSERTION_TYPE, readClientCredentials } from './read-client-credentials.js';

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const code = (error: string) => expect.objectContaining({ error });

describe('readClientCredentials', () => {
  it('reads Basic credentials, form-url-decoding id and secret (RFC 6749 Appendix B)', () => {
    expect(readClientCredentials(basic('client:1', 'p@ss word+'), {})).toEqual({
      method: 'client_secret_basic',
      clientId: 'client:1',
      clientSecret: 'p@ss word+',
    });
  });

  it('decodes + as a space in Basic credentials', () => {
    const header = `Basic ${Buffer.from('my+client:se+cret').toString('base64')}`;
    expect(readClientCredentials(header, {})).toMatchObject({ clientId: 'my client', clientSecret: 'se cret' });
  });

  it('reads client_secret_post', () => {
    expect(readClientCredentials(undefined, { client_id: 'c', client_secret: 's' })).toEqual({
      method: 'client_secret_post',
      clientId: 'c',
      clientSecret: 's',
    });
  });

  it('reads a public client (none) from client_id alone', () => {
    expect(readClientCredentials(undefined, { client_id: 'c' })).toEqual({ method: 'none', clientId: 'c' });
  });

  it('ignores Authorization schemes other than Basic', () => {
    expect(readClientCredentials('Bearer abc', { client_id: 'c' })).toEqual({ method: 'none', clientId: 'c' });
  });

  it('reads an HS256 assertion as client_secret_jwt, naming the client by sub', async () => {
    const assertion = await signJwtWithSecret({ iss: 'c', sub: 'c' }, 'x'.repeat(32));
    expect(readClientCredentials(undefined, { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion })).toEqual({
      method: 'client_secret_jwt',
      clientId: 'c',
      assertion,
      alg: 'HS256',
    });
  });

  it('reads an asymmetric assertion as private_key_jwt, preferring the client_id parameter', () => {
    const assertion = unsigned({ alg: 'ES256', kid: 'k1' }, { sub: 'from-sub' });
    expect(
      readClientCredentials(undefined, { client_id: 'c', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion }),
    ).toMatchObject({ method: 'private_key_jwt', clientId: 'c', alg: 'ES256', kid: 'k1' });
  });

  describe('more than one method is invalid_request', () => {
    it.each([
      ['Basic + client_secret', basic('c', 's'), { client_secret: 's' }],
      ['Basic + client_assertion', basic('c', 's'), { client_assertion: 'a.b.c', client_assertion_type: JWT_BEARER_ASSERTION_TYPE }],
      ['client_secret + client_assertion', undefined, { client_id: 'c', client_secret: 's', client_assertion: 'a.b.c' }],
    ])('%s', (_name, header, form) => {
      expect(() => readClientCredentials(header, form)).toThrow(code('invalid_request'));
    });
  });

  describe('invalid_client', () => {
    it.each([
      ['no credentials at all', undefined, {}],
      ['Basic without a colon', `Basic ${Buffer.from('nocolon').toString('base64')}`, {}],
      ['Basic with bad percent-encoding', `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`, {}],
      ['Basic with an empty client id', `Basic ${Buffer.from(':secret').toString('base64')}`, {}],
      ['client_secret without client_id', undefined, { client_secret: 's' }],
      ['a wrong client_assertion_type', undefined, { client_assertion_type: 'urn:other', client_assertion: 'a.b.c' }],
      ['a missing client_assertion_type', undefined, { client_assertion: unsigned({ alg: 'RS256' }, { sub: 'c' }) }],
      ['a client_assertion_type alone', undefined, { client_id: 'c', client_assertion_type: JWT_BEARER_ASSERTION_TYPE }],
      ['an assertion that is not a JWT', undefined, { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: 'nope' }],
      [
        'an alg none assertion',
        undefined,
        { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: unsigned({ alg: 'none' }, { sub: 'c' }) },
      ],
      [
        'an assertion naming no client',
        undefined,
        { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: unsigned({ alg: 'RS256' }, {}) },
      ],
    ])('for %s', (_name, header, form) => {
      expect(() => readClientCredentials(header, form as Record<string, string>)).toThrow(
        expect.objectContaining({ error: 'invalid_client', status: 401 }),
      );
    });
  });
});

function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.${Buffer.from('sig').toString('base64url')}`;
}
