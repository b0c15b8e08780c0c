import { ClientMetadataSchema, normalizeClientMetadata } from './client-metadata.js';

describe('ClientMetadataSchema', () => {
  it('applies the specs\' defaults', () => {
    const metadata = ClientMetadataSchema.parse({ redirect_uris: ['https://rp.example/cb'] });
    expect(metadata).toMatchObject({
      response_types: ['code'],
      grant_types: ['authorization_code'],
      application_type: 'web',
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
      require_auth_time: false,
      backchannel_logout_session_required: false,
    });
  });

  it('rejects a malformed URI and an unknown auth method', () => {
    expect(ClientMetadataSchema.safeParse({ redirect_uris: ['not a url'] }).success).toBe(false);
    expect(ClientMetadataSchema.safeParse({ token_endpoint_auth_method: 'magic' }).success).toBe(false);
    expect(ClientMetadataSchema.safeParse({ default_max_age: -1 }).success).toBe(false);
  });

  it('reads software identification as strings', () => {
    expect(ClientMetadataSchema.parse({ software_id: 's', software_version: '1' })).toMatchObject({
      software_id: 's',
      software_version: '1',
    });
    expect(ClientMetadataSchema.safeParse({ software_id: 1 }).success).toBe(false);
  });

  it('keeps members it does not know', () => {
    expect(ClientMetadataSchema.parse({ software_id: 'x' })).toHaveProperty('software_id', 'x');
  });
});

describe('normalizeClientMetadata', () => {
  it('accepts draft 00 commands_uri as command_endpoint', () => {
    expect(normalizeClientMetadata({ commands_uri: 'https://rp.example/commands' })).toEqual({
      command_endpoint: 'https://rp.example/commands',
    });
  });

  it('prefers command_endpoint when both are sent', () => {
    expect(normalizeClientMetadata({ commands_uri: 'https://a.example', command_endpoint: 'https://b.example' })).toEqual({
      command_endpoint: 'https://b.example',
    });
  });
});
