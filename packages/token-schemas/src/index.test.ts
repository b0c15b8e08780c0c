import * as api from './index.js';

describe('public surface', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AddressClaimSchema',
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
