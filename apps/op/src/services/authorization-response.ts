import type { ResponseMode } from '../authorize/params.js';
import { safeErrorText, type OAuthError } from '../errors.js';

export interface ResponseTarget {
  redirectUri: string;
  mode: ResponseMode;
  state?: string;
  issuer: string;
}

/**
 * The URL an authorization response is delivered to: parameters in the query (keeping any
 * query the redirect URI already has) or in the fragment, always with `state` when sent and
 * RFC 9207 `iss`.
 */
export function authorizationResponseUrl(target: ResponseTarget, params: Record<string, string>): string {
  const all: Record<string, string> = { ...params };
  if (target.state !== undefined) all.state = target.state;
  all.iss = target.issuer;
  const url = new URL(target.redirectUri);
  if (target.mode === 'fragment') {
    url.hash = new URLSearchParams(all).toString();
  } else {
    for (const [name, value] of Object.entries(all)) url.searchParams.append(name, value);
  }
  return url.toString();
}

export function authorizationErrorUrl(target: ResponseTarget, err: OAuthError): string {
  return authorizationResponseUrl(target, {
    error: safeErrorText(err.error),
    error_description: safeErrorText(err.error_description),
  });
}
