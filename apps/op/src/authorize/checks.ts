// The authorization request's checks, in the order of OIDC Core §3.1.2 as digested in
// specs/oidc-core-op-checklist.md §3. Each is a small pure function that returns a value or
// throws. Errors thrown before the redirect_uri is trusted are RenderedError (a page, never a
// redirect); later ones are redirected to the client.
import type { ClientRecord } from '../repositories/client-repository.js';
import {
  InvalidRequest,
  InvalidScope,
  RenderedError,
  RequestNotSupported,
  RequestUriNotSupported,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../errors.js';
import type { RawParams, ResponseMode } from './params.js';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;
export const SUPPORTED_RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment'];
const KNOWN_PROMPTS = ['none', 'login', 'consent', 'select_account'];
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

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
  if (!(SUPPORTED_RESPONSE_MODES as readonly string[]).includes(mode)) {
    throw new RenderedError('invalid_request', `unsupported response_mode: ${mode}`);
  }
  return mode as ResponseMode;
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

export function checkRequestObjectAbsent(raw: RawParams): void {
  if (raw.values.request !== undefined) throw new RequestNotSupported('request objects are not supported');
  if (raw.values.request_uri !== undefined) throw new RequestUriNotSupported('request_uri is not supported');
}

/** Only `code` is supported; space-separated values are compared order-insensitively. */
export function checkResponseType(raw: RawParams, client: ClientRecord): 'code' {
  const value = raw.values.response_type;
  if (!value) throw new InvalidRequest('response_type is required');
  const normalised = value.split(' ').sort().join(' ');
  if (normalised !== 'code') throw new UnsupportedResponseType(`unsupported response_type: ${value}`);
  if (!client.responseTypes.includes('code')) {
    throw new UnauthorizedClient('this client is not allowed response_type=code');
  }
  return 'code';
}

/** `openid` is required (this OP serves OpenID Connect only); unknown scopes are ignored. */
export function checkScope(raw: RawParams): string[] {
  const value = raw.values.scope;
  if (!value) throw new InvalidRequest('scope is required');
  const requested = value.split(' ').filter((s) => s !== '');
  if (!requested.includes('openid')) throw new InvalidScope('the openid scope is required');
  return [...new Set(requested.filter((s) => (SUPPORTED_SCOPES as readonly string[]).includes(s)))];
}

/** `none` must stand alone; unknown values are ignored (OIDC Core §3.1.2.1). */
export function checkPrompt(raw: RawParams): string[] {
  const values = (raw.values.prompt ?? '').split(' ').filter((p) => p !== '');
  if (values.includes('none') && values.length > 1) {
    throw new InvalidRequest('prompt=none cannot be combined with other values');
  }
  return [...new Set(values.filter((p) => KNOWN_PROMPTS.includes(p)))];
}

export function checkMaxAge(raw: RawParams): number | undefined {
  const value = raw.values.max_age;
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative integer');
  return Number(value);
}

/** PKCE is required for every code request, and only S256 is accepted (OAuth 2.1). */
export function checkPkce(raw: RawParams): { code_challenge: string; code_challenge_method: 'S256' } {
  const challenge = raw.values.code_challenge;
  const method = raw.values.code_challenge_method;
  if (!challenge) throw new InvalidRequest('code_challenge is required (PKCE)');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!PKCE_CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
  return { code_challenge: challenge, code_challenge_method: 'S256' };
}
