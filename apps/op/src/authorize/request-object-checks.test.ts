import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import { readRawParams } from './params.js';
import {
  checkRequestObjectAlg,
  checkRequestObjectClaims,
  checkRequestObjectFormat,
  requestObjectParams,
} from './request-object-checks.js';

const makeClient = (metadata: Record<string, unknown> = {}, secret: string | null = 's'.repeat(32)): ClientRecord => {
  const parsed = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.test/cb'], ...metadata });
  return {
    id: 'c1',
    secret,
    name: 'C1',
    redirectUris: parsed.redirect_uris,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    grantTypes: parsed.grant_types,
    responseTypes: parsed.response_types,
    firstParty: true,
    metadata: parsed,
  };
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { error: string }).error;
  }
  return 'no error';
};
const outer = readRawParams({ client_id: 'c1', response_type: 'code', scope: 'openid', request: 'x.y.z' });
const context = { clientId: 'c1', issuer: 'https://op.test', outer };
const good = { iss: 'c1', aud: 'https://op.test', client_id: 'c1', response_type: 'code', redirect_uri: 'https://rp.test/cb' };

describe('checkRequestObjectFormat', () => {
  it('takes a JWS and refuses a JWE or anything else', () => {
    expect(codeOf(() => checkRequestObjectFormat('a.b.c'))).toBe('no error');
    expect(codeOf(() => checkRequestObjectFormat('a.b.c.d.e'))).toBe('invalid_request_object');
    expect(codeOf(() => checkRequestObjectFormat('nope'))).toBe('invalid_request_object');
  });
});

describe('checkRequestObjectAlg', () => {
  it('refuses none in any spelling', () => {
    for (const alg of ['none', 'None', 'NONE']) expect(codeOf(() => checkRequestObjectAlg({ alg }, makeClient()))).toBe('invalid_request_object');
  });

  it("holds the client to its registered request_object_signing_alg", () => {
    const es = makeClient({ request_object_signing_alg: 'ES256' });
    expect(checkRequestObjectAlg({ alg: 'ES256' }, es)).toBe('ES256');
    expect(codeOf(() => checkRequestObjectAlg({ alg: 'RS256' }, es))).toBe('invalid_request_object');
  });

  it('needs a secret for HS* and a supported alg', () => {
    expect(checkRequestObjectAlg({ alg: 'HS256' }, makeClient())).toBe('HS256');
    expect(codeOf(() => checkRequestObjectAlg({ alg: 'HS256' }, makeClient({}, null)))).toBe('invalid_request_object');
    expect(codeOf(() => checkRequestObjectAlg({ alg: 'RS1' }, makeClient()))).toBe('invalid_request_object');
    expect(codeOf(() => checkRequestObjectAlg({}, makeClient()))).toBe('invalid_request_object');
  });
});

describe('checkRequestObjectClaims', () => {
  it('accepts a well-formed object', () => {
    expect(codeOf(() => checkRequestObjectClaims(good, context))).toBe('no error');
    expect(codeOf(() => checkRequestObjectClaims({ ...good, response_type: undefined, client_id: undefined }, context))).toBe('no error');
  });

  it.each([
    ['iss is not the client', { iss: 'other' }],
    ['iss is missing', { iss: undefined }],
    ['aud is an array', { aud: ['https://op.test'] }],
    ['aud is another server', { aud: 'https://op.test/token' }],
    ['a nested request', { request: 'a.b.c' }],
    ['a nested request_uri', { request_uri: 'https://rp.test/r' }],
    ['another client_id', { client_id: 'c2' }],
    ['another response_type', { response_type: 'code id_token' }],
  ])('refuses %s', (_name, override) => {
    expect(codeOf(() => checkRequestObjectClaims({ ...good, ...override }, context))).toBe('invalid_request_object');
  });

  it('compares response_type order-insensitively and requires it outside', () => {
    const hybrid = { ...context, outer: readRawParams({ client_id: 'c1', response_type: 'id_token code' }) };
    expect(codeOf(() => checkRequestObjectClaims({ ...good, response_type: 'code id_token' }, hybrid))).toBe('no error');
    const noType = { ...context, outer: readRawParams({ client_id: 'c1' }) };
    expect(codeOf(() => checkRequestObjectClaims(good, noType))).toBe('invalid_request');
  });
});

describe('requestObjectParams', () => {
  it("uses the object's members only, with outer client_id/response_type/scope as fallbacks", () => {
    const outerWithExtras = readRawParams({ ...outer.values, state: 'outer-state', redirect_uri: 'https://evil.test/cb' });
    const params = requestObjectParams(
      { ...good, scope: undefined, max_age: 60, claims: { id_token: { email: null } }, exp: 1, state: 's' },
      outerWithExtras,
    );
    expect(params.values).toEqual({
      client_id: 'c1',
      response_type: 'code',
      redirect_uri: 'https://rp.test/cb',
      scope: 'openid',
      max_age: '60',
      claims: '{"id_token":{"email":null}}',
      state: 's',
    });
    expect(params.duplicates).toEqual([]);
  });

  it('refuses members of unusable types', () => {
    expect(codeOf(() => requestObjectParams({ ...good, prompt: ['login'] }, outer))).toBe('invalid_request_object');
    expect(codeOf(() => requestObjectParams({ ...good, nonce: true }, outer))).toBe('invalid_request_object');
  });
});
