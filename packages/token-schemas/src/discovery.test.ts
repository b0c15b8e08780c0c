import { DiscoveryMetadataSchema } from './discovery.js';

const issuer = 'https://op.example.com/t/acme';
const minimal = {
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256', 'ES256'],
};

describe('DiscoveryMetadataSchema', () => {
  it('accepts the required members', () => {
    expect(DiscoveryMetadataSchema.parse(minimal)).toEqual(minimal);
  });

  it('accepts every optional member the project publishes', () => {
    const full = {
      ...minimal,
      userinfo_endpoint: `${issuer}/userinfo`,
      registration_endpoint: `${issuer}/register`,
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'iss', 'tenant', 'tenant_name'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      acr_values_supported: ['urn:oidc-ref:acr:pwd', 'urn:oidc-ref:acr:mfa'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      end_session_endpoint: `${issuer}/logout`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_endpoint: `${issuer}/revoke`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      frontchannel_logout_supported: false,
      frontchannel_logout_session_supported: false,
      ui_locales_supported: ['en', 'fr'],
      claim_types_supported: ['normal'],
      service_documentation: 'https://docs.example.com/op',
    };
    expect(DiscoveryMetadataSchema.parse(full)).toEqual(full);
  });

  it('allows token_endpoint to be absent (implicit-only OP)', () => {
    const { token_endpoint: _omitted, ...implicitOnly } = minimal;
    expect(DiscoveryMetadataSchema.safeParse(implicitOnly).success).toBe(true);
  });

  it('keeps unknown members (loose)', () => {
    const parsed = DiscoveryMetadataSchema.parse({ ...minimal, check_session_iframe: `${issuer}/check` });
    expect(parsed['check_session_iframe']).toBe(`${issuer}/check`);
  });

  it.each([
    'issuer',
    'authorization_endpoint',
    'jwks_uri',
    'response_types_supported',
    'subject_types_supported',
    'id_token_signing_alg_values_supported',
  ])('rejects a missing %s', (member) => {
    const { [member]: _dropped, ...rest } = minimal as Record<string, unknown>;
    expect(DiscoveryMetadataSchema.safeParse(rest).success).toBe(false);
  });

  it.each<[string, unknown]>([
    ['issuer', 'https://op.example.com/t/acme?x=1'],
    ['issuer', 'op.example.com'],
    ['authorization_endpoint', 'javascript:alert(1)'],
    ['token_endpoint', '/token'],
    ['jwks_uri', 42],
    ['response_types_supported', []],
    ['response_types_supported', 'code'],
    ['subject_types_supported', []],
    ['id_token_signing_alg_values_supported', [1]],
    ['scopes_supported', 'openid profile'],
    ['claims_parameter_supported', 'true'],
    ['request_uri_parameter_supported', 0],
    ['backchannel_logout_supported', 'yes'],
    ['end_session_endpoint', 'not a url'],
    ['service_documentation', 'mailto:ops@example.com'],
  ])('rejects %s = %p', (member, value) => {
    expect(DiscoveryMetadataSchema.safeParse({ ...minimal, [member]: value }).success).toBe(false);
  });
});
