// The authorization request's checks, in the order of OIDC Core §3.1.2 as digested in
// specs/oidc-core-op-checklist.md §3. Each is a small pure function that returns a value or
// throws. Errors thrown before the redirect_uri is trusted are RenderedError (a page, never a
// redirect); later ones are redirected to the client.
import type { ClientRecord } from '../repositories/client-repository.js';
import {
  InvalidRequest,
  InvalidScope,
  RenderedError,
  RequestUriNotSupported,
  UnauthorizedClient,
  UnmetAuthenticationRequirements,
  UnsupportedResponseType,
} from '../errors.js';
import {
  essentialAcrValues,
  parseClaimsParameter,
  requestedSubject,
  type ClaimsRequest,
} from '../services/claims-request.js';
import type { RawParams } from './params.js';
import {
  carriesTokens,
  isSupportedResponseMode,
  isSupportedResponseType,
  normaliseResponseType,
  responseParts,
  SUPPORTED_RESPONSE_MODES,
  type ResponseMode,
  type ResponseType,
} from './response-type.js';

export { SUPPORTED_RESPONSE_MODES };
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'] as const;
const KNOWN_PROMPTS = ['none', 'login', 'consent', 'select_account'];
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function checkClientId(raw: RawParams): string {
  if (raw.duplicates.includes('client_id')) throw new RenderedError('invalid_request', 'client_id was sent more than once');
  const clientId = raw.values.client_id;
  if (!clientId) throw new RenderedError('invalid_request', 'client_id is required');
  return clientId;
}

export function checkClientKnown(client: ClientRecord | null, clientId: string): ClientRecord {
  if (!client) throw new RenderedError('invalid_client', `unknown client: ${clientId}`);
  return client;
}

/** An unsupported response_mode gets a plain 400 with no error parameters (OAuth MRT §5). */
export function checkResponseModeSupported(raw: RawParams): ResponseMode | undefined {
  if (raw.duplicates.includes('response_mode')) throw new RenderedError('invalid_request', 'response_mode was sent more than once');
  const mode = raw.values.response_mode;
  if (mode === undefined) return undefined;
  if (!isSupportedResponseMode(mode)) throw new RenderedError('invalid_request', `unsupported response_mode: ${mode}`);
  return mode;
}

/** Exact, code-point-by-code-point match against a registered redirect URI. */
export function checkRedirectUri(raw: RawParams, client: ClientRecord): string {
  if (raw.duplicates.includes('redirect_uri')) throw new RenderedError('invalid_request', 'redirect_uri was sent more than once');
  const redirectUri = raw.values.redirect_uri;
  if (!redirectUri) throw new RenderedError('invalid_redirect_uri', 'redirect_uri is required');
  if (!client.redirectUris.includes(redirectUri)) {
    throw new RenderedError('invalid_redirect_uri', 'redirect_uri is not registered for this client');
  }
  return redirectUri;
}

export function checkNoDuplicates(raw: RawParams): void {
  if (raw.duplicates.length > 0) {
    throw new InvalidRequest(`parameters must not be repeated: ${raw.duplicates.join(', ')}`);
  }
}

/**
 * `request` and `request_uri` are exclusive (OIDC Core §6); `request_uri` is not supported.
 * Returns whether a request object (`request`) was sent.
 */
export function checkRequestParameters(raw: RawParams): boolean {
  const { request, request_uri: requestUri } = raw.values;
  if (request !== undefined && requestUri !== undefined) throw new InvalidRequest('request and request_uri must not both be sent');
  if (requestUri !== undefined) throw new RequestUriNotSupported('request_uri is not supported; send the request object by value');
  return request !== undefined;
}

/** `query` is never used for a response carrying a token or an ID token (MRT §5, OIDC Core §3.2.2.5). */
export function checkResponseModeAllowed(raw: RawParams): void {
  if (raw.values.response_mode === 'query' && carriesTokens(raw.values.response_type)) {
    throw new InvalidRequest('response_mode=query is not allowed for a response_type that returns tokens');
  }
}

/**
 * One of the six OIDC response types (order-insensitive, MRT §1.2), and one the client
 * registered: unknown → `unsupported_response_type`, not registered → `unauthorized_client`.
 */
export function checkResponseType(raw: RawParams, client: ClientRecord): ResponseType {
  const value = raw.values.response_type;
  if (!value) throw new InvalidRequest('response_type is required');
  const normalised = normaliseResponseType(value);
  if (!isSupportedResponseType(normalised)) throw new UnsupportedResponseType(`unsupported response_type: ${value}`);
  if (!client.responseTypes.some((registered) => normaliseResponseType(registered) === normalised)) {
    throw new UnauthorizedClient(`this client is not allowed response_type=${normalised}`);
  }
  return normalised;
}

/**
 * Implicit responses (tokens and no code) must not travel over plain http, except to a native
 * client's loopback redirect (OIDC Core §3.2.2.1, Registration §2).
 */
export function checkImplicitRedirectUri(responseType: ResponseType, redirectUri: string, client: ClientRecord): void {
  if (responseParts(responseType).code) return;
  const url = new URL(redirectUri);
  if (url.protocol !== 'http:') return;
  if (client.metadata.application_type === 'native' && LOOPBACK_HOSTS.includes(url.hostname)) return;
  throw new InvalidRequest('implicit responses require an https redirect_uri');
}

/** `openid` is required (this OP serves OpenID Connect only); unknown scopes are ignored. */
export function checkScope(raw: RawParams): string[] {
  const value = raw.values.scope;
  if (!value) throw new InvalidRequest('scope is required');
  const requested = value.split(' ').filter((s) => s !== '');
  if (!requested.includes('openid')) throw new InvalidScope('the openid scope is required');
  return [...new Set(requested.filter((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s)))];
}

/**
 * A client that registered a `scope` (RFC 7591 §2) may request only those scope values
 * (checklist §3 step 7, as oidc-provider does): anything else is `invalid_scope`.
 */
export function checkScopeAllowed(scopes: string[], client: ClientRecord): void {
  const registered = (client.metadata as { scope?: unknown }).scope;
  if (typeof registered !== 'string') return;
  const allowed = registered.split(' ');
  const refused = scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
}

/**
 * `offline_access` is kept only for a response type that returns a code AND under
 * `prompt=consent`; otherwise it is dropped silently (OIDC Core §11).
 */
export function applyOfflineAccessRule(scopes: string[], responseType: ResponseType, prompt: string[]): string[] {
  const keep = responseParts(responseType).code && prompt.includes('consent');
  return keep ? scopes : scopes.filter((scope) => scope !== 'offline_access');
}

/** `nonce` is REQUIRED whenever an ID token comes from the authorization endpoint (§3.2.2.1, §3.3.2.11). */
export function checkNonce(raw: RawParams, responseType: ResponseType): string | undefined {
  const nonce = raw.values.nonce;
  if (nonce === undefined && responseParts(responseType).idToken) {
    throw new InvalidRequest(`nonce is required for response_type=${responseType}`);
  }
  return nonce;
}

/** `none` must stand alone; unknown values are ignored (OIDC Core §3.1.2.1). */
export function checkPrompt(raw: RawParams): string[] {
  const values = (raw.values.prompt ?? '').split(' ').filter((p) => p !== '');
  if (values.includes('none') && values.length > 1) {
    throw new InvalidRequest('prompt=none cannot be combined with other values');
  }
  return [...new Set(values.filter((p) => KNOWN_PROMPTS.includes(p)))];
}

/** `max_age` in seconds; without one, the client's registered `default_max_age` applies (Registration §2). */
export function checkMaxAge(raw: RawParams, client?: ClientRecord): number | undefined {
  const value = raw.values.max_age;
  if (value === undefined) return client?.metadata.default_max_age;
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative integer');
  return Number(value);
}

/**
 * PKCE is required for every request that returns a code, and only S256 is accepted
 * (OAuth 2.1). Responses without a code ignore PKCE parameters.
 */
export function checkPkce(
  raw: RawParams,
  responseType: ResponseType = 'code',
): { code_challenge: string; code_challenge_method: 'S256' } | undefined {
  if (!responseParts(responseType).code) return undefined;
  const challenge = raw.values.code_challenge;
  const method = raw.values.code_challenge_method;
  if (!challenge) throw new InvalidRequest('code_challenge is required (PKCE)');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!PKCE_CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
  return { code_challenge: challenge, code_challenge_method: 'S256' };
}

/**
 * The `claims` parameter (OIDC Core §5.5): valid JSON of the right shape, a `userinfo` member
 * only when an access token will be issued, and a consistent `sub` value.
 */
export function checkClaims(raw: RawParams, responseType: ResponseType): ClaimsRequest | undefined {
  const value = raw.values.claims;
  if (value === undefined) return undefined;
  const claims = parseClaimsParameter(value);
  if (claims?.userinfo !== undefined && responseType === 'id_token') {
    throw new InvalidRequest('claims.userinfo cannot be requested with response_type=id_token (no access token is issued)');
  }
  requestedSubject(claims);
  return claims;
}

/**
 * An essential `acr` request whose values this OP cannot produce fails the request with
 * `unmet_authentication_requirements` (OIDC Core §5.5.1.1; OpenID Connect Core errata).
 */
export function checkEssentialAcr(claims: ClaimsRequest | undefined, achievable: readonly string[]): void {
  const wanted = essentialAcrValues(claims);
  if (wanted !== undefined && !wanted.some((acr) => achievable.includes(acr))) {
    throw new UnmetAuthenticationRequirements('the essential acr requested cannot be satisfied');
  }
}
