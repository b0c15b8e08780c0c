import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../errors.js';
import type { ClientRecord } from '../../repositories/client-repository.js';

/** Grants that act for the client itself or take the user's password: never for public clients. */
const CONFIDENTIAL_ONLY: readonly string[] = ['client_credentials', 'password'];

/**
 * Checks `grant_type` (RFC 6749 §5.2): present, one this OP implements (`unsupported_grant_type`),
 * registered by the client, and not a confidential-only grant for a public client
 * (`unauthorized_client`; RFC 6749 §4.4, OIDC Core §9).
 */
export function checkGrantType(grantType: string | undefined, client: ClientRecord, supported: readonly string[]): string {
  if (grantType === undefined) throw new InvalidRequest('grant_type is required');
  if (!supported.includes(grantType)) throw new UnsupportedGrantType('this grant_type is not supported');
  if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`this client is not registered for ${grantType}`);
  if (client.tokenEndpointAuthMethod === 'none' && CONFIDENTIAL_ONLY.includes(grantType)) {
    throw new UnauthorizedClient(`${grantType} is for confidential clients only`);
  }
  return grantType;
}
