/** A validated authorization request, as stored while the user interacts. */
export interface AuthorizationParams {
  client_id: string;
  redirect_uri: string;
  response_type: 'code';
  response_mode: ResponseMode;
  /** Requested scopes we support, in request order; always contains `openid`. */
  scopes: string[];
  state?: string;
  nonce?: string;
  code_challenge: string;
  code_challenge_method: 'S256';
  prompt: string[];
  max_age?: number;
  login_hint?: string;
  ui_locales?: string;
  acr_values?: string;
  id_token_hint?: string;
  /** Internal: the `sub` of a verified id_token_hint. Tokens are never issued for anyone else. */
  hinted_sub?: string;
}

export type ResponseMode = 'query' | 'fragment';

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
