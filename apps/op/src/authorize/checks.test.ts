import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import {
  applyOfflineAccessRule,
  checkClaims,
  checkEssentialAcr,
  checkImplicitRedirectUri,
  checkMaxAge,
  checkNonce,
  checkPkce,
  checkPrompt,
  checkRedirectUri,
  checkRequestParameters,
  checkResponseModeAllowed,
  checkResponseModeSupported,
  checkResponseType,
  checkScope,
  checkScopeAllowed,
} from './checks.js';
import { readRawParams } from './params.js';

const ALL_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];
const makeClient = (metadata: Record<string, unknown> = {}): ClientRecord => {
  const parsed = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.test/cb'], ...metadata });
  return {
    id: 'c1',
    secret: 's',
    name: 'C1',
    redirectUris: parsed.redirect_uris,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    grantTypes: parsed.grant_types,
    responseTypes: parsed.response_types,
    firstParty: true,
    metadata: parsed,
  };
};
const client = makeClient();
const raw = (values: Record<string, string | string[]>) => readRawParams(values);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { error: string }).error;
  }
  return 'no error';
};

describe('readRawParams', () => {
  it('drops empty values and records repeated names', () => {
    expect(readRawParams({ a: '', b: 'x', c: ['1', '2'] })).toEqual({ values: { b: 'x' }, duplicates: ['c'] });
  });
});

describe('checkRedirectUri', () => {
  it('matches exactly, code point by code point', () => {
    expect(checkRedirectUri(raw({ redirect_uri: 'https://rp.test/cb' }), client)).toBe('https://rp.test/cb');
    for (const near of ['https://rp.test/cb/', 'https://RP.test/cb', 'https://rp.test/cb?x=1', 'https://rp.test/c%62']) {
      expect(codeOf(() => checkRedirectUri(raw({ redirect_uri: near }), client))).toBe('invalid_redirect_uri');
    }
  });
});

describe('checkResponseType', () => {
  const all = makeClient({ response_types: ALL_TYPES, grant_types: ['authorization_code', 'implicit'] });

  it('accepts the six OIDC response types in any order', () => {
    expect(checkResponseType(raw({ response_type: 'code' }), all)).toBe('code');
    expect(checkResponseType(raw({ response_type: 'token id_token' }), all)).toBe('id_token token');
    expect(checkResponseType(raw({ response_type: 'id_token code' }), all)).toBe('code id_token');
    expect(checkResponseType(raw({ response_type: 'token code' }), all)).toBe('code token');
    expect(checkResponseType(raw({ response_type: 'token id_token code' }), all)).toBe('code id_token token');
  });

  it('rejects unknown types, bare token and sloppy separators as unsupported', () => {
    for (const bad of ['token', 'none', 'code code', 'code  id_token', 'code+id_token', 'CODE']) {
      expect(codeOf(() => checkResponseType(raw({ response_type: bad }), all))).toBe('unsupported_response_type');
    }
    expect(codeOf(() => checkResponseType(raw({}), all))).toBe('invalid_request');
  });

  it('allows only what the client registered (compared order-insensitively)', () => {
    expect(codeOf(() => checkResponseType(raw({ response_type: 'id_token' }), client))).toBe('unauthorized_client');
    const hybrid = makeClient({ response_types: ['id_token code'] });
    expect(checkResponseType(raw({ response_type: 'code id_token' }), hybrid)).toBe('code id_token');
    expect(codeOf(() => checkResponseType(raw({ response_type: 'code' }), hybrid))).toBe('unauthorized_client');
  });
});

describe('response modes', () => {
  it('knows query, fragment and form_post', () => {
    expect(checkResponseModeSupported(raw({}))).toBeUndefined();
    expect(checkResponseModeSupported(raw({ response_mode: 'fragment' }))).toBe('fragment');
    expect(checkResponseModeSupported(raw({ response_mode: 'form_post' }))).toBe('form_post');
    expect(codeOf(() => checkResponseModeSupported(raw({ response_mode: 'web_message' })))).toBe('invalid_request');
  });

  it('forbids query for responses carrying tokens', () => {
    expect(codeOf(() => checkResponseModeAllowed(raw({ response_mode: 'query', response_type: 'code' })))).toBe('no error');
    for (const type of ['id_token', 'code token', 'token']) {
      expect(codeOf(() => checkResponseModeAllowed(raw({ response_mode: 'query', response_type: type })))).toBe('invalid_request');
    }
    expect(codeOf(() => checkResponseModeAllowed(raw({ response_mode: 'form_post', response_type: 'id_token' })))).toBe('no error');
  });
});

describe('checkRequestParameters', () => {
  it('says whether a request object was sent; both, or request_uri, are refused', () => {
    expect(checkRequestParameters(raw({}))).toBe(false);
    expect(checkRequestParameters(raw({ request: 'a.b.c' }))).toBe(true);
    expect(codeOf(() => checkRequestParameters(raw({ request_uri: 'https://rp.test/r' })))).toBe('request_uri_not_supported');
    expect(codeOf(() => checkRequestParameters(raw({ request: 'a.b.c', request_uri: 'https://rp.test/r' })))).toBe('invalid_request');
  });
});

describe('checkImplicitRedirectUri', () => {
  it('needs https for implicit responses, except a native loopback', () => {
    const web = makeClient({ redirect_uris: ['http://rp.test/cb'] });
    expect(codeOf(() => checkImplicitRedirectUri('id_token', 'http://rp.test/cb', web))).toBe('invalid_request');
    expect(codeOf(() => checkImplicitRedirectUri('code id_token', 'http://rp.test/cb', web))).toBe('no error');
    expect(codeOf(() => checkImplicitRedirectUri('id_token token', 'https://rp.test/cb', web))).toBe('no error');
    const native = makeClient({ application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(codeOf(() => checkImplicitRedirectUri('id_token', 'http://127.0.0.1/cb', native))).toBe('no error');
    expect(codeOf(() => checkImplicitRedirectUri('id_token', 'http://localhost/cb', web))).toBe('invalid_request');
  });
});

describe('checkScope', () => {
  it('requires openid, ignores unknown scopes and duplicates', () => {
    expect(checkScope(raw({ scope: 'openid email banana email' }))).toEqual(['openid', 'email']);
    expect(codeOf(() => checkScope(raw({ scope: 'email' })))).toBe('invalid_scope');
    expect(codeOf(() => checkScope(raw({})))).toBe('invalid_request');
  });
});

describe('checkScopeAllowed', () => {
  it("limits a client that registered a scope to it", () => {
    const limited = makeClient({ scope: 'openid email' });
    expect(codeOf(() => checkScopeAllowed(['openid', 'email'], limited))).toBe('no error');
    expect(codeOf(() => checkScopeAllowed(['openid', 'profile'], limited))).toBe('invalid_scope');
    expect(codeOf(() => checkScopeAllowed(['openid', 'profile', 'offline_access'], client))).toBe('no error');
  });
});

describe('applyOfflineAccessRule', () => {
  const scopes = ['openid', 'offline_access'];
  it('keeps offline_access only with a code and prompt=consent', () => {
    expect(applyOfflineAccessRule(scopes, 'code', ['consent'])).toEqual(scopes);
    expect(applyOfflineAccessRule(scopes, 'code id_token', ['login', 'consent'])).toEqual(scopes);
    expect(applyOfflineAccessRule(scopes, 'code', [])).toEqual(['openid']);
    expect(applyOfflineAccessRule(scopes, 'id_token token', ['consent'])).toEqual(['openid']);
  });
});

describe('checkNonce', () => {
  it('is required whenever the authorization endpoint returns an ID token', () => {
    for (const type of ['id_token', 'id_token token', 'code id_token', 'code id_token token'] as const) {
      expect(codeOf(() => checkNonce(raw({}), type))).toBe('invalid_request');
      expect(checkNonce(raw({ nonce: 'n' }), type)).toBe('n');
    }
    expect(checkNonce(raw({}), 'code')).toBeUndefined();
    expect(checkNonce(raw({}), 'code token')).toBeUndefined();
  });
});

describe('checkPrompt', () => {
  it('rejects none with anything else and ignores unknown values', () => {
    expect(checkPrompt(raw({ prompt: 'login consent' }))).toEqual(['login', 'consent']);
    expect(checkPrompt(raw({ prompt: 'create' }))).toEqual([]);
    expect(codeOf(() => checkPrompt(raw({ prompt: 'none login' })))).toBe('invalid_request');
    expect(codeOf(() => checkPrompt(raw({ prompt: 'none create' })))).toBe('invalid_request');
  });
});

describe('checkMaxAge', () => {
  it('takes non-negative integers only', () => {
    expect(checkMaxAge(raw({ max_age: '0' }))).toBe(0);
    expect(checkMaxAge(raw({ max_age: '3600' }))).toBe(3600);
    for (const bad of ['-1', '1.5', 'abc', '1e3']) expect(codeOf(() => checkMaxAge(raw({ max_age: bad })))).toBe('invalid_request');
  });

  it("falls back to the client's default_max_age", () => {
    const withDefault = makeClient({ default_max_age: 300 });
    expect(checkMaxAge(raw({}), withDefault)).toBe(300);
    expect(checkMaxAge(raw({ max_age: '60' }), withDefault)).toBe(60);
    expect(checkMaxAge(raw({}), client)).toBeUndefined();
  });
});

describe('checkPkce', () => {
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  it('requires an S256 challenge of the right shape', () => {
    expect(checkPkce(raw({ code_challenge: challenge, code_challenge_method: 'S256' }))).toEqual({
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(codeOf(() => checkPkce(raw({ code_challenge_method: 'S256' })))).toBe('invalid_request');
    expect(codeOf(() => checkPkce(raw({ code_challenge: challenge })))).toBe('invalid_request');
    expect(codeOf(() => checkPkce(raw({ code_challenge: challenge, code_challenge_method: 'plain' })))).toBe('invalid_request');
    expect(codeOf(() => checkPkce(raw({ code_challenge: `${challenge}!`, code_challenge_method: 'S256' })))).toBe('invalid_request');
  });

  it('applies to every response type with a code, and to no other', () => {
    expect(codeOf(() => checkPkce(raw({}), 'code id_token'))).toBe('invalid_request');
    expect(checkPkce(raw({}), 'id_token token')).toBeUndefined();
  });
});

describe('checkClaims', () => {
  it('parses the claims parameter', () => {
    expect(checkClaims(raw({ claims: '{"id_token":{"email":null}}' }), 'code')).toEqual({ id_token: { email: null } });
    expect(checkClaims(raw({}), 'code')).toBeUndefined();
  });

  it('refuses bad JSON and a userinfo member without an access token', () => {
    expect(codeOf(() => checkClaims(raw({ claims: '{nope' }), 'code'))).toBe('invalid_request');
    expect(codeOf(() => checkClaims(raw({ claims: '{"userinfo":{"email":null}}' }), 'id_token'))).toBe('invalid_request');
    expect(codeOf(() => checkClaims(raw({ claims: '{"userinfo":{"email":null}}' }), 'id_token token'))).toBe('no error');
  });

  it('refuses inconsistent sub values', () => {
    const claims = JSON.stringify({ id_token: { sub: { value: 'a' } }, userinfo: { sub: { value: 'b' } } });
    expect(codeOf(() => checkClaims(raw({ claims }), 'code'))).toBe('invalid_request');
  });
});

describe('checkEssentialAcr', () => {
  it('fails an essential acr this OP cannot produce', () => {
    const essential = (values: string[]) => ({ id_token: { acr: { essential: true, values } } });
    expect(codeOf(() => checkEssentialAcr(essential(['urn:x:mfa']), ['urn:x:pwd']))).toBe('unmet_authentication_requirements');
    expect(codeOf(() => checkEssentialAcr(essential(['urn:x:mfa', 'urn:x:pwd']), ['urn:x:pwd']))).toBe('no error');
    expect(codeOf(() => checkEssentialAcr({ id_token: { acr: { values: ['urn:x:mfa'] } } }, ['urn:x:pwd']))).toBe('no error');
    expect(codeOf(() => checkEssentialAcr(undefined, ['urn:x:pwd']))).toBe('no error');
  });
});
