import type { KeySet } from '@oidc-ref/crypto';
import type { ClientRecord } from '../repositories/client-repository.js';
import type { ClientKeys } from '../services/client-keys.js';
import type { ResponseTarget } from '../services/authorization-response.js';
import { resolveRequestObject } from '../services/request-object.js';
import {
  applyOfflineAccessRule,
  checkClaims,
  checkEssentialAcr,
  checkImplicitRedirectUri,
  checkMaxAge,
  checkNoDuplicates,
  checkNonce,
  checkPkce,
  checkPrompt,
  checkRequestParameters,
  checkResponseModeAllowed,
  checkResponseType,
  checkScope,
  checkScopeAllowed,
} from './checks.js';
import { verifyIdTokenHint } from './id-token-hint.js';
import type { AuthorizationParams, RawParams } from './params.js';

export interface ValidateOptions {
  issuer: string;
  /** The acr values this OP offers: an essential acr outside them can never be met. */
  offeredAcrs: readonly string[];
  /** Decrypts an id_token_hint encrypted to the OP. */
  decryptHint?: (jwe: string) => Promise<string>;
  keys: KeySet;
  clientKeys: ClientKeys;
  now: Date;
}

/**
 * Validates an authorization request whose client and response target are already trusted,
 * in the order of checklist §3 steps 3 and 6–11. Every error it throws is redirected to the
 * target. Returns the request as it is stored while the user interacts.
 */
export async function validateAuthorizationRequest(
  outer: RawParams,
  client: ClientRecord,
  target: ResponseTarget,
  options: ValidateOptions,
): Promise<AuthorizationParams> {
  checkNoDuplicates(outer);
  const raw = checkRequestParameters(outer) ? await resolveRequestObject(outer, client, options) : outer;
  checkResponseModeAllowed(raw);
  const responseType = checkResponseType(raw, client);
  checkImplicitRedirectUri(responseType, target.redirectUri, client);
  const requestedScopes = checkScope(raw);
  checkScopeAllowed(requestedScopes, client);
  const nonce = checkNonce(raw, responseType);
  const prompt = checkPrompt(raw);
  const scopes = applyOfflineAccessRule(requestedScopes, responseType, prompt);
  const maxAge = checkMaxAge(raw, client);
  const pkce = checkPkce(raw, responseType);
  const claims = checkClaims(raw, responseType);
  const v = raw.values;
  const params: AuthorizationParams = {
    client_id: client.id,
    redirect_uri: target.redirectUri,
    response_type: responseType,
    response_mode: target.mode,
    scopes,
    prompt,
    ...pkce,
    ...(target.state !== undefined && { state: target.state }),
    ...(nonce !== undefined && { nonce }),
    ...(maxAge !== undefined && { max_age: maxAge }),
    ...(v.login_hint !== undefined && { login_hint: v.login_hint }),
    ...(v.ui_locales !== undefined && { ui_locales: v.ui_locales }),
    ...(v.claims_locales !== undefined && { claims_locales: v.claims_locales }),
    ...(v.acr_values !== undefined && { acr_values: v.acr_values }),
    ...(claims !== undefined && { claims }),
  };
  if (v.id_token_hint !== undefined) {
    params.id_token_hint = v.id_token_hint;
    params.hinted_sub = await verifyIdTokenHint(v.id_token_hint, options.keys, options.issuer, client, options.decryptHint);
  }
  checkEssentialAcr(claims, options.offeredAcrs);
  return params;
}
