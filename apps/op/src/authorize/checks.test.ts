import { ClientMetadataSchema } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../repositories/client-repository.js';
import {
  checkMaxAge,
  checkPkce,
  checkPrompt,
  checkRedirectUri,
  checkResponseModeSupported,
  checkResponseType,
  checkScope,
} from './checks.js';
import { readRawParams } from './params.js';

const client: ClientRecord = {
  id: 'c1',
  secret: 's',
  name: 'C1',
  redirectUris: ['https://rp.test/cb'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  grantTypes: ['authorization_code'],
  responseTypes: ['code'],
  firstParty: true,
  metadata: ClientMetadataSchema.parse({ redirect_uris: ['https://rp.test/cb'] }),
};
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
  it('accepts code and rejects the rest', () => {
    expect(checkResponseType(raw({ response_type: 'code' }), client)).toBe('code');
    expect(codeOf(() => checkResponseType(raw({ response_type: 'token' }), client))).toBe('unsupported_response_type');
    expect(codeOf(() => checkResponseType(raw({ response_type: 'code id_token' }), client))).toBe('unsupported_response_type');
    expect(codeOf(() => checkResponseType(raw({}), client))).toBe('invalid_request');
  });
});

describe('checkResponseModeSupported', () => {
  it('knows query and fragment only', () => {
    expect(checkResponseModeSupported(raw({}))).toBeUndefined();
    expect(checkResponseModeSupported(raw({ response_mode: 'fragment' }))).toBe('fragment');
    expect(codeOf(() => checkResponseModeSupported(raw({ response_mode: 'form_post' })))).toBe('invalid_request');
  });
});

describe('checkScope', () => {
  it('requires openid, ignores unknown scopes and duplicates', () => {
    expect(checkScope(raw({ scope: 'openid email banana email' }))).toEqual(['openid', 'email']);
    expect(codeOf(() => checkScope(raw({ scope: 'email' })))).toBe('invalid_scope');
    expect(codeOf(() => checkScope(raw({})))).toBe('invalid_request');
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
});
