import type { ClaimsRequest } from '../services/claims-request.js';
import type { ResponseMode, ResponseType } from './response-type.js';

export type { ResponseMode, ResponseType } from './response-type.js';

/** A validated authorization request, as stored while the user interacts. */
export interface AuthorizationParams {
  client_id: string;
  redirect_uri: string;
  /** Canonical (sorted) spelling, e.g. `code id_token`. */
  response_type: ResponseType;
  /** The mode every response to this request (success or error) is delivered with. */
  response_mode: ResponseMode;
  /**
   * Requested scopes we support, in request order; always contains `openid`. `offline_access`
   * is present only when it was kept (OIDC Core §11).
   */
  scopes: string[];
  state?: string;
  nonce?: string;
  /** PKCE, present exactly when the response type includes `code`. */
  code_challenge?: string;
  code_challenge_method?: 'S256';
  prompt: string[];
  /** `max_age`, or the client's `default_max_age` when the request had none. */
  max_age?: number;
  login_hint?: string;
  ui_locales?: string;
  claims_locales?: string;
  acr_values?: string;
  /** The `claims` parameter (OIDC Core §5.5), normalised. */
  claims?: ClaimsRequest;
  id_token_hint?: string;
  /** Internal: the `sub` of a verified id_token_hint. Tokens are never issued for anyone else. */
  hinted_sub?: string;
}

/** Raw request parameters: empty values dropped, repeated names listed. */
export interface RawParams {
  values: Record<string, string>;
  duplicates: string[];
}

/**
 * Reads GET query or POST form parameters. A parameter sent empty counts as absent
 * (RFC 6749 §3.1); a repeated one is recorded so that it can be rejected.
 */
export function readRawParams(source: Record<string, unknown>): RawParams {
  const values: Record<string, string> = {};
  const duplicates: string[] = [];
  for (const [name, value] of Object.entries(source)) {
    if (Array.isArray(value)) {
      duplicates.push(name);
      continue;
    }
    if (typeof value === 'string' && value !== '') values[name] = value;
  }
  return { values, duplicates };
}
