import type { TokenResponse } from '@oidc-ref/token-schemas';
import type { AppDeps } from '../../app.js';
import type { ClientRecord } from '../../repositories/client-repository.js';
import { authorizationCodeGrant } from './authorization-code.js';

export type GrantHandler = (deps: AppDeps, client: ClientRecord, body: Record<string, unknown>) => Promise<TokenResponse>;

/** Grant handlers keyed by their `grant_type` wire value. */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = Object.freeze({
  authorization_code: authorizationCodeGrant,
});
