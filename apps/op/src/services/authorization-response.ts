import type { Response } from 'express';
import { randomToken } from '@oidc-ref/crypto';
import type { ResponseMode } from '../authorize/params.js';
import { safeErrorText, type OAuthError } from '../errors.js';
import { formPostPage } from '../views/form-post-page.js';

export interface ResponseTarget {
  redirectUri: string;
  mode: ResponseMode;
  state?: string;
  issuer: string;
}

/** Every parameter of a response: the given ones, `state` when one was sent, and RFC 9207 `iss`. */
export function responseParameters(target: ResponseTarget, params: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { ...params };
  if (target.state !== undefined) all.state = target.state;
  all.iss = target.issuer;
  return all;
}

/**
 * The URL an authorization response is delivered to: parameters in the query (keeping any
 * query the redirect URI already has) or in the fragment, always with `state` when sent and
 * RFC 9207 `iss`. (`form_post` responses are pages: see {@link deliverAuthorizationResponse}.)
 */
export function authorizationResponseUrl(target: ResponseTarget, params: Record<string, string>): string {
  const all = responseParameters(target, params);
  const url = new URL(target.redirectUri);
  if (target.mode === 'fragment') {
    url.hash = new URLSearchParams(all).toString();
  } else {
    for (const [name, value] of Object.entries(all)) url.searchParams.append(name, value);
  }
  return url.toString();
}

function errorParameters(err: OAuthError): Record<string, string> {
  return { error: safeErrorText(err.error), error_description: safeErrorText(err.error_description) };
}

export function authorizationErrorUrl(target: ResponseTarget, err: OAuthError): string {
  return authorizationResponseUrl(target, errorParameters(err));
}

/**
 * `form-action` source for the redirect URI: its origin, or its scheme for a native app's
 * custom-scheme URI (which has no origin).
 */
export function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}

/**
 * Sends an authorization response (success or error) with the target's mode: a 303 redirect for
 * `query` and `fragment` (never 307, which would re-post a password), or for `form_post` a 200
 * page whose form posts the parameters to the redirect URI (Form Post Response Mode §2). That
 * page is never cached, cannot be framed, and runs only its own script (a per-response CSP nonce).
 */
export function deliverAuthorizationResponse(res: Response, target: ResponseTarget, params: Record<string, string>): void {
  if (target.mode !== 'form_post') {
    res.redirect(303, authorizationResponseUrl(target, params));
    return;
  }
  const nonce = randomToken(16);
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  res.set(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      "style-src 'unsafe-inline'",
      `form-action ${formActionSource(target.redirectUri)}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  );
  res.set('X-Frame-Options', 'DENY');
  res.status(200).type('html').send(formPostPage({ action: target.redirectUri, params: responseParameters(target, params), nonce }));
}

export function deliverAuthorizationError(res: Response, target: ResponseTarget, err: OAuthError): void {
  deliverAuthorizationResponse(res, target, errorParameters(err));
}
