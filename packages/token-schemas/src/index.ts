export { IdTokenClaimsSchema, PERSONAL_TENANT, audienceIncludes } from './id-token.js';
export type { IdTokenClaims } from './id-token.js';
export { DiscoveryMetadataSchema } from './discovery.js';
export type { DiscoveryMetadata } from './discovery.js';
export { TokenResponseSchema } from './token-response.js';
export type { TokenResponse } from './token-response.js';
export { OAUTH_ERROR_CODES, OAuthErrorResponseSchema, isOAuthErrorCode } from './error-response.js';
export type { OAuthErrorCode, OAuthErrorResponse } from './error-response.js';
export { AddressClaimSchema, UserInfoResponseSchema } from './userinfo.js';
export type { AddressClaim, UserInfoResponse } from './userinfo.js';
export { ClientMetadataSchema, normalizeClientMetadata } from './client-metadata.js';
export type { ClientMetadata, ClientMetadataInput } from './client-metadata.js';
export {
  ACCOUNT_COMMANDS,
  DRAFT_00_ALIASES,
  STREAMING_COMMANDS,
  TENANT_COMMANDS,
  isStreamingCommand,
  isTenantCommand,
} from './commands.js';
export type { AccountCommand, AccountState, StreamingCommand, TenantCommand } from './commands.js';
