import type { DiscoveryMetadata } from '@oidc-ref/token-schemas';
import {
  registrationEnabled,
  registrationPolicy,
  validateClientMetadata,
  type RegistrationPolicy,
} from './client-registration.js';

const POLICY: RegistrationPolicy = {
  responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
  grantTypes: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
  tokenEndpointAuthSigningAlgs: ['HS256', 'RS256', 'ES256'],
  idTokenSigningAlgs: ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'none'],
  idTokenEncryptionAlgs: ['RSA-OAEP-256', 'ECDH-ES+A256KW'],
  idTokenEncryptionEncs: ['A128CBC-HS256', 'A256GCM'],
  userinfoSigningAlgs: ['RS256', 'ES256', 'HS256'],
  userinfoEncryptionAlgs: ['RSA-OAEP-256', 'ECDH-ES+A256KW'],
  userinfoEncryptionEncs: ['A128CBC-HS256', 'A256GCM'],
  requestObjectSigningAlgs: ['RS256'],
  requestObjectEncryptionAlgs: [],
  requestObjectEncryptionEncs: [],
  subjectTypes: ['public'],
  allowInsecureLoopback: false,
};

const RSA_ENC = { kty: 'RSA', n: 'n', e: 'AQAB', use: 'enc', kid: 'enc-1' };
const EC_SIG = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: 'sig', kid: 'sig-1' };
const WEB = { redirect_uris: ['https://rp.example/cb'] };
const IMPLICIT = { ...WEB, response_types: ['id_token'], grant_types: ['implicit'] };

const ok = (input: unknown, policy = POLICY) => {
  const result = validateClientMetadata(input, policy);
  if (!result.ok) throw new Error(`expected success, got ${result.error}: ${result.description}`);
  return result;
};
const fails = (input: unknown, policy = POLICY) => {
  const result = validateClientMetadata(input, policy);
  if (result.ok) throw new Error('expected a failure');
  return result;
};

describe('validateClientMetadata: success', () => {
  it('applies the defaults of RFC 7591 and OIDC Registration, and asks for a secret', () => {
    const { metadata, needsSecret } = ok(WEB);
    expect(metadata).toMatchObject({
      redirect_uris: ['https://rp.example/cb'],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      require_auth_time: false,
    });
    expect(needsSecret).toBe(true);
  });

  it('drops unknown and server-assigned members', () => {
    const { metadata } = ok({ ...WEB, client_id: 'chosen', client_secret: 'chosen', software_statement: 'x', extra: 1 });
    expect(metadata).not.toHaveProperty('client_id');
    expect(metadata).not.toHaveProperty('client_secret');
    expect(metadata).not.toHaveProperty('extra');
  });

  it('reads draft 00 commands_uri as command_endpoint', () => {
    const { metadata } = ok({ ...WEB, commands_uri: 'https://rp.example/commands' });
    expect(metadata.command_endpoint).toBe('https://rp.example/commands');
    expect(metadata).not.toHaveProperty('commands_uri');
  });

  it('accepts the logout, step-up and algorithm metadata later features need', () => {
    const { metadata } = ok({
      ...WEB,
      post_logout_redirect_uris: ['https://rp.example/bye'],
      backchannel_logout_uri: 'https://rp.example/bc',
      backchannel_logout_session_required: true,
      frontchannel_logout_uri: 'https://rp.example/fc',
      frontchannel_logout_session_required: true,
      command_endpoint: 'https://rp.example/commands',
      default_acr_values: ['urn:oidc-ref:acr:mfa'],
      default_max_age: 300,
      require_auth_time: true,
      id_token_signed_response_alg: 'ES256',
      userinfo_signed_response_alg: 'RS256',
      scope: 'openid email api:read',
    });
    expect(metadata).toMatchObject({ backchannel_logout_session_required: true, default_max_age: 300, require_auth_time: true });
    expect((metadata as { scope?: string }).scope).toBe('openid email api:read');
  });

  it('canonicalises response types and defaults *_enc to A128CBC-HS256', () => {
    const { metadata } = ok({
      redirect_uris: ['https://rp.example/cb'],
      response_types: ['id_token code', 'code id_token'],
      grant_types: ['authorization_code', 'implicit'],
      jwks: { keys: [RSA_ENC] },
      id_token_encrypted_response_alg: 'RSA-OAEP-256',
      userinfo_encrypted_response_alg: 'RSA-OAEP-256',
    });
    expect(metadata.response_types).toEqual(['code id_token']);
    expect(metadata.id_token_encrypted_response_enc).toBe('A128CBC-HS256');
    expect(metadata.userinfo_encrypted_response_enc).toBe('A128CBC-HS256');
  });

  it('gives no secret to public and private_key_jwt clients, unless HS* needs one', () => {
    expect(ok({ ...WEB, token_endpoint_auth_method: 'none' }).needsSecret).toBe(false);
    const pkj = { ...WEB, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC_SIG] } };
    expect(ok(pkj).needsSecret).toBe(false);
    expect(ok({ ...pkj, id_token_signed_response_alg: 'HS256' }).needsSecret).toBe(true);
  });

  it('allows a client_credentials-only client with no front channel', () => {
    const { metadata } = ok({ response_types: [], grant_types: ['client_credentials'] });
    expect(metadata.redirect_uris).toEqual([]);
  });

  it('allows alg none for a pure code client', () => {
    expect(ok({ ...WEB, id_token_signed_response_alg: 'none' }).metadata.id_token_signed_response_alg).toBe('none');
    expect(ok({ ...WEB, response_types: ['code token'], grant_types: ['authorization_code', 'implicit'], id_token_signed_response_alg: 'none' }).ok).toBe(true);
  });

  it('accepts native custom schemes and loopback http', () => {
    const native = { application_type: 'native', token_endpoint_auth_method: 'none' };
    expect(ok({ ...native, redirect_uris: ['com.example.app:/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost/cb'] }).ok).toBe(true);
  });

  it('accepts http on loopback for confidential web code clients of a development OP only', () => {
    const local = { redirect_uris: ['http://localhost:3000/callback'] };
    expect(ok(local, { ...POLICY, allowInsecureLoopback: true }).ok).toBe(true);
    expect(fails(local).error).toBe('invalid_redirect_uri');
    expect(fails({ ...local, token_endpoint_auth_method: 'none' }, { ...POLICY, allowInsecureLoopback: true }).error).toBe(
      'invalid_redirect_uri',
    );
  });
});

describe('validateClientMetadata: invalid_redirect_uri', () => {
  it.each<[string, Record<string, unknown>]>([
    ['no redirect_uris for a code client', {}],
    ['an empty list for an implicit client', { ...IMPLICIT, redirect_uris: [] }],
    ['a relative URI', { redirect_uris: ['/cb'] }],
    ['a fragment', { redirect_uris: ['https://rp.example/cb#frag'] }],
    ['an empty fragment', { redirect_uris: ['https://rp.example/cb#'] }],
    ['user info', { redirect_uris: ['https://user:pw@rp.example/cb'] }],
    ['a web client on plain http', { redirect_uris: ['http://rp.example/cb'] }],
    ['a web client on a custom scheme', { redirect_uris: ['com.example.app:/cb'] }],
    ['javascript:', { redirect_uris: ['javascript:alert(1)'] }],
    ['web + implicit on localhost over https', { ...IMPLICIT, redirect_uris: ['https://localhost/cb'] }],
    ['web + implicit on http loopback', { ...IMPLICIT, redirect_uris: ['http://127.0.0.1/cb'] }],
    ['native on https', { application_type: 'native', redirect_uris: ['https://rp.example/cb'] }],
    ['native on http off loopback', { application_type: 'native', redirect_uris: ['http://rp.example/cb'] }],
    ['native on data:', { application_type: 'native', redirect_uris: ['data:text/html,hi'] }],
    ['redirect_uris not an array', { redirect_uris: 'https://rp.example/cb' }],
  ])('%s', (_label, input) => {
    const result = fails(input);
    expect(result.error).toBe('invalid_redirect_uri');
    expect(result.description).toMatch(/redirect_uri/);
  });

  it('refuses web + implicit on localhost even on a development OP', () => {
    expect(fails({ ...IMPLICIT, redirect_uris: ['http://localhost/cb'] }, { ...POLICY, allowInsecureLoopback: true }).error).toBe(
      'invalid_redirect_uri',
    );
  });
});

describe('validateClientMetadata: invalid_client_metadata', () => {
  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', ['x'], /JSON object/],
    ['a mistyped member', { ...WEB, require_auth_time: 'yes' }, /require_auth_time/],
    ['an unknown auth method', { ...WEB, token_endpoint_auth_method: 'magic' }, /token_endpoint_auth_method/],
    ['an unsupported response type', { ...WEB, response_types: ['token'] }, /response_type "token"/],
    ['a repeated value in a response type', { ...WEB, response_types: ['code code'] }, /not supported/],
    ['an unsupported grant type', { ...WEB, grant_types: ['authorization_code', 'urn:x'] }, /urn:x/],
    ['the password grant', { ...WEB, grant_types: ['authorization_code', 'password'] }, /password grant/],
    ['code without authorization_code', { ...WEB, grant_types: ['implicit'], response_types: ['code'] }, /authorization_code/],
    ['id_token without implicit', { ...WEB, response_types: ['code id_token'] }, /implicit/],
    ['authorization_code without code', { ...WEB, response_types: ['id_token'], grant_types: ['authorization_code', 'implicit'] }, /needs a response_type with code/],
    ['client_credentials only, with the default response type', { grant_types: ['client_credentials'] }, /send \[\] for a client without a front channel/],
    ['implicit without a token response type', { ...WEB, grant_types: ['authorization_code', 'implicit'] }, /implicit needs/],
    ['a public client with client_credentials', { ...WEB, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'client_credentials'] }, /public client/],
    ['private_key_jwt without keys', { ...WEB, token_endpoint_auth_method: 'private_key_jwt' }, /needs jwks/],
    ['private_key_jwt with encryption keys only', { ...WEB, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [RSA_ENC] } }, /signing key/],
    ['jwks and jwks_uri together', { ...WEB, jwks: { keys: [EC_SIG] }, jwks_uri: 'https://rp.example/jwks' }, /not both/],
    ['a jwks_uri on http', { ...WEB, jwks_uri: 'http://rp.example/jwks' }, /jwks_uri must use https/],
    ['a jwks_uri on loopback (production OP)', { ...WEB, jwks_uri: 'https://127.0.0.1/jwks' }, /loopback/],
    ['a private key in jwks', { ...WEB, jwks: { keys: [{ ...EC_SIG, d: 'secret' }] } }, /public keys only/],
    ['a symmetric key in jwks', { ...WEB, jwks: { keys: [{ kty: 'oct', k: 'secret' }] } }, /symmetric/],
    ['an empty jwks', { ...WEB, jwks: { keys: [] } }, /no keys/],
    ['an unsupported ID token alg', { ...WEB, id_token_signed_response_alg: 'RS384' }, /id_token_signed_response_alg RS384/],
    ['alg none with an ID token from the authorization endpoint', { ...IMPLICIT, id_token_signed_response_alg: 'none' }, /none is only allowed/],
    ['alg none for hybrid code id_token', { ...WEB, response_types: ['code id_token'], grant_types: ['authorization_code', 'implicit'], id_token_signed_response_alg: 'none' }, /none is only allowed/],
    ['alg none for userinfo', { ...WEB, userinfo_signed_response_alg: 'none' }, /userinfo_signed_response_alg none/],
    ['an _enc without its _alg', { ...WEB, id_token_encrypted_response_enc: 'A256GCM' }, /id_token_encrypted_response_enc needs id_token_encrypted_response_alg/],
    ['a userinfo _enc without its _alg', { ...WEB, userinfo_encrypted_response_enc: 'A256GCM' }, /userinfo_encrypted_response_enc needs/],
    ['an unsupported encryption alg', { ...WEB, jwks: { keys: [RSA_ENC] }, id_token_encrypted_response_alg: 'RSA1_5' }, /RSA1_5/],
    ['an unsupported enc', { ...WEB, jwks: { keys: [RSA_ENC] }, id_token_encrypted_response_alg: 'RSA-OAEP-256', id_token_encrypted_response_enc: 'A192GCM' }, /A192GCM/],
    ['encryption without client keys', { ...WEB, userinfo_encrypted_response_alg: 'RSA-OAEP-256' }, /needs jwks or jwks_uri/],
    ['encryption with no fitting key', { ...WEB, jwks: { keys: [EC_SIG] }, id_token_encrypted_response_alg: 'RSA-OAEP-256' }, /no key that can be used/],
    ['request object encryption (the OP publishes no encryption key)', { ...WEB, request_object_encryption_alg: 'RSA-OAEP-256' }, /request_object_encryption_alg/],
    ['HS256 for a public client', { ...WEB, token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'HS256' }, /public client/],
    ['an auth signing alg for another method', { ...WEB, token_endpoint_auth_signing_alg: 'RS256' }, /only for client_secret_jwt/],
    ['an asymmetric alg for client_secret_jwt', { ...WEB, token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'RS256' }, /does not fit/],
    ['an unsupported auth signing alg', { ...WEB, token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS512' }, /HS512/],
    ['a post_logout_redirect_uri with a fragment', { ...WEB, post_logout_redirect_uris: ['https://rp.example/bye#x'] }, /post_logout_redirect_uri/],
    ['a backchannel_logout_uri on http', { ...WEB, backchannel_logout_uri: 'http://rp.example/bc' }, /backchannel_logout_uri/],
    ['a command_endpoint with a fragment', { ...WEB, command_endpoint: 'https://rp.example/c#x' }, /command_endpoint/],
    ['a commands_uri on http', { ...WEB, commands_uri: 'http://rp.example/c' }, /command_endpoint/],
    ['a frontchannel_logout_uri on another host', { ...WEB, frontchannel_logout_uri: 'https://evil.example/fc' }, /frontchannel_logout_uri/],
    ['an initiate_login_uri on http', { ...WEB, initiate_login_uri: 'http://rp.example/login' }, /initiate_login_uri/],
    ['a javascript: logo_uri', { ...WEB, logo_uri: 'javascript:alert(1)' }, /logo_uri/],
    ['pairwise subjects', { ...WEB, subject_type: 'pairwise' }, /subject_type pairwise/],
    ['a sector_identifier_uri', { ...WEB, sector_identifier_uri: 'https://rp.example/sector' }, /sector_identifier_uri/],
    ['a scope that is not a string', { ...WEB, scope: ['openid'] }, /scope/],
    ['a scope with a double space', { ...WEB, scope: 'openid  email' }, /scope/],
    ['a negative default_max_age', { ...WEB, default_max_age: -1 }, /default_max_age/],
  ])('%s', (_label, input, description) => {
    const result = fails(input);
    expect(result.error).toBe('invalid_client_metadata');
    expect(result.description).toMatch(description);
  });
});

describe('registrationPolicy', () => {
  it('reads what the discovery document advertises; absent lists allow nothing', () => {
    const discovery = {
      issuer: 'https://op.example',
      response_types_supported: ['code', 'token id_token'],
      grant_types_supported: ['authorization_code'],
      id_token_signing_alg_values_supported: ['RS256'],
    } as unknown as DiscoveryMetadata;
    const policy = registrationPolicy(discovery);
    expect(policy.responseTypes).toEqual(['code', 'id_token token']);
    expect(policy.userinfoEncryptionAlgs).toEqual([]);
    expect(policy.allowInsecureLoopback).toBe(false);
    expect(registrationPolicy({ ...discovery, issuer: 'http://localhost:4000' }).allowInsecureLoopback).toBe(true);
  });
});

describe('registrationEnabled', () => {
  it('is on when open, or with an initial access token configured', () => {
    expect(registrationEnabled({ mode: 'open' })).toBe(true);
    expect(registrationEnabled({ mode: 'initial_access_token', initialAccessToken: 'x'.repeat(32) })).toBe(true);
    expect(registrationEnabled({ mode: 'initial_access_token' })).toBe(false);
    expect(registrationEnabled({ mode: 'disabled', initialAccessToken: 'x'.repeat(32) })).toBe(false);
  });
});
