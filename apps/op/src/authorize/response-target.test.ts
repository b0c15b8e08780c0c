import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import { readRawParams } from './params.js';
import { responseTargetFor, routingParams } from './response-target.js';

const metadata = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.test/cb'] });
const client = { id: 'c1', redirectUris: metadata.redirect_uris, metadata } as ClientRecord;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jws = (payload: object) => `${b64({ alg: 'RS256' })}.${b64(payload)}.c2ln`;
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { error: (err as { error: string }).error, rendered: (err as Error).constructor.name === 'RenderedError' };
  }
  return 'no error';
};

describe('routingParams', () => {
  it('uses the outer parameters without a request object', () => {
    const outer = readRawParams({ client_id: 'c1', redirect_uri: 'https://rp.test/cb' });
    expect(routingParams(outer)).toBe(outer);
  });

  it("routes by the request object's own redirect_uri, state and response_mode (JAR)", () => {
    const outer = readRawParams({
      client_id: 'c1',
      response_type: 'code',
      redirect_uri: 'https://outer.test/cb',
      state: 'outer',
      request: jws({ redirect_uri: 'https://rp.test/cb', state: 'inner', response_mode: 'form_post' }),
    });
    const target = responseTargetFor(routingParams(outer), client, 'https://op.test');
    expect(target).toEqual({ redirectUri: 'https://rp.test/cb', mode: 'form_post', state: 'inner', issuer: 'https://op.test' });
  });

  it('renders when the object cannot be read, so that nothing is redirected', () => {
    expect(errorOf(() => routingParams(readRawParams({ request: 'a.b.c.d.e' })))).toEqual({ error: 'invalid_request_object', rendered: true });
    expect(errorOf(() => routingParams(readRawParams({ request: 'garbage' })))).toEqual({ error: 'invalid_request_object', rendered: true });
    expect(errorOf(() => routingParams(readRawParams({ request: 'e30.e30' })))).toEqual({ error: 'invalid_request_object', rendered: true });
  });
});

describe('responseTargetFor', () => {
  it('renders an unregistered redirect_uri, even one from a request object', () => {
    const outer = readRawParams({ client_id: 'c1', request: jws({ redirect_uri: 'https://evil.test/cb' }) });
    expect(errorOf(() => responseTargetFor(routingParams(outer), client, 'https://op.test'))).toEqual({
      error: 'invalid_redirect_uri',
      rendered: true,
    });
  });

  it('delivers in the default mode when query is asked for with tokens', () => {
    const routing = readRawParams({ redirect_uri: 'https://rp.test/cb', response_type: 'id_token', response_mode: 'query' });
    expect(responseTargetFor(routing, client, 'https://op.test').mode).toBe('fragment');
  });
});
