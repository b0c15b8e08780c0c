import { ClientMetadataSchema, type ClientMetadataInput } from '@oidc-ref/token-schemas';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { checkGrantType } from './check-grant-type.js';

const SUPPORTED = ['authorization_code', 'refresh_token', 'client_credentials', 'password'];

function client(metadata: ClientMetadataInput): ClientRecord {
  const parsed = ClientMetadataSchema.parse(metadata);
  return {
    id: 'c',
    secret: null,
    firstParty: false,
    name: 'c',
    redirectUris: parsed.redirect_uris,
    responseTypes: parsed.response_types,
    grantTypes: parsed.grant_types,
    tokenEndpointAuthMethod: parsed.token_endpoint_auth_method,
    metadata: parsed,
  };
}

const code = (error: string) => expect.objectContaining({ error });

describe('checkGrantType', () => {
  const confidential = client({ grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] });
  const publicClient = client({
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
  });

  it('accepts a supported grant the client registered', () => {
    expect(checkGrantType('client_credentials', confidential, SUPPORTED)).toBe('client_credentials');
  });
  it('requires grant_type', () => {
    expect(() => checkGrantType(undefined, confidential, SUPPORTED)).toThrow(code('invalid_request'));
  });
  it('answers unsupported_grant_type for a grant the OP does not implement', () => {
    expect(() => checkGrantType('urn:ietf:params:oauth:grant-type:device_code', confidential, SUPPORTED)).toThrow(
      code('unsupported_grant_type'),
    );
  });
  it('answers unauthorized_client for a grant the client did not register', () => {
    expect(() => checkGrantType('password', client({}), SUPPORTED)).toThrow(code('unauthorized_client'));
  });
  it.each(['client_credentials', 'password'])('refuses %s to a public client even if registered', (grant) => {
    expect(() => checkGrantType(grant, publicClient, SUPPORTED)).toThrow(code('unauthorized_client'));
  });
  it.each(['authorization_code', 'refresh_token'])('lets a public client use %s', (grant) => {
    expect(checkGrantType(grant, publicClient, SUPPORTED)).toBe(grant);
  });
});
