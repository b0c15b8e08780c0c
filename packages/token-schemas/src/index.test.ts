import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ACCOUNT_COMMANDS',
        'AddressClaimSchema',
        'DRAFT_00_ALIASES',
        'STREAMING_COMMANDS',
        'TENANT_COMMANDS',
        'isStreamingCommand',
        'isTenantCommand',
        'ClientMetadataSchema',
        'normalizeClientMetadata',
        'DiscoveryMetadataSchema',
        'IdTokenClaimsSchema',
        'OAUTH_ERROR_CODES',
        'OAuthErrorResponseSchema',
        'PERSONAL_TENANT',
        'TokenResponseSchema',
        'UserInfoResponseSchema',
        'audienceIncludes',
        'isOAuthErrorCode',
      ].sort(),
    );
  });
});
