// URI rules for dynamic client registration (OIDC Registration 1.0 §2, RFC 7591 §2, RFC 8252,
// the logout specs). Pure functions: each returns a problem description, or undefined.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Schemes that must never be a redirect target, whatever the application type. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'about:', 'blob:', 'filesystem:', 'ws:', 'wss:']);

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname.toLowerCase());

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Absolute, no fragment, no user info. */
function basicProblem(value: string, url: URL | undefined): string | undefined {
  if (url === undefined) return 'is not an absolute URI';
  if (value.includes('#')) return 'must not contain a fragment';
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  return undefined;
}

export interface RedirectUriContext {
  applicationType: 'web' | 'native';
  /** A response type returns a token or an ID token from the authorization endpoint. */
  usesImplicit: boolean;
  /** The client authenticates at the token endpoint (not `none`). */
  confidential: boolean;
  /** http on a loopback host is acceptable for web clients (an http issuer: development, the demo). */
  allowInsecureLoopback: boolean;
}

/**
 * A `redirect_uris` (or `post_logout_redirect_uris`) value:
 * - never a fragment or user info, never `javascript:` and the like;
 * - `web`: https; with the implicit grant never on localhost (Registration §2); plain http only
 *   on a loopback host, for a confidential code-only client of a development OP;
 * - `native`: a custom scheme, or http on a loopback host (Registration §2, RFC 8252 §7).
 */
export function redirectUriProblem(value: string, context: RedirectUriContext): string | undefined {
  const url = parse(value);
  const basic = basicProblem(value, url);
  if (basic !== undefined || url === undefined) return basic;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol.slice(0, -1)} scheme`;
  const loopback = isLoopbackHost(url.hostname);
  if (context.applicationType === 'native') {
    if (url.protocol === 'http:') return loopback ? undefined : 'of a native client may use http only on localhost, 127.0.0.1 or [::1]';
    if (url.protocol === 'https:') return 'of a native client must use a custom scheme or http on a loopback host';
    return undefined;
  }
  if (url.protocol === 'https:') {
    return context.usesImplicit && loopback ? 'of a web client using the implicit grant must not use localhost' : undefined;
  }
  if (url.protocol === 'http:') {
    if (context.usesImplicit) return 'of a web client using the implicit grant must use https';
    if (loopback && context.confidential && context.allowInsecureLoopback) return undefined;
    return 'of a web client must use https';
  }
  return 'of a web client must use https (custom schemes are for native clients)';
}

/**
 * A URL the OP itself calls or hands out as a service address (`jwks_uri`,
 * `backchannel_logout_uri`, `command_endpoint`): https, no fragment. On a development OP (http
 * issuer), http on a loopback host too; on a production OP, loopback hosts are refused
 * altogether, as a first defence against requests to the OP's own network.
 */
export function serviceUriProblem(value: string, allowInsecureLoopback: boolean): string | undefined {
  const url = parse(value);
  const basic = basicProblem(value, url);
  if (basic !== undefined || url === undefined) return basic;
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && !allowInsecureLoopback) return 'must not point to a loopback host';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && loopback) return undefined;
  return 'must use https';
}

/** A page shown to users (`logo_uri`, `client_uri`, `policy_uri`, `tos_uri`): http or https only. */
export function webPageUriProblem(value: string): string | undefined {
  const url = parse(value);
  if (url === undefined) return 'is not an absolute URI';
  return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'must use https';
}

/** `initiate_login_uri` MUST use https (Registration §2); `request_uris` too (fragments allowed there). */
export function httpsUriProblem(value: string, { fragmentAllowed = false } = {}): string | undefined {
  const url = parse(value);
  if (url === undefined) return 'is not an absolute URI';
  if (!fragmentAllowed && value.includes('#')) return 'must not contain a fragment';
  return url.protocol === 'https:' ? undefined : 'must use https';
}

/**
 * `frontchannel_logout_uri`: no fragment, and the same scheme, host and port as one of the
 * registered redirect URIs (Front-Channel Logout 1.0 §2).
 */
export function frontchannelLogoutUriProblem(value: string, redirectUris: readonly string[]): string | undefined {
  const url = parse(value);
  const basic = basicProblem(value, url);
  if (basic !== undefined || url === undefined) return basic;
  const sameOrigin = redirectUris.some((uri) => {
    const redirect = parse(uri);
    return redirect !== undefined && redirect.protocol === url.protocol && redirect.host === url.host;
  });
  return sameOrigin ? undefined : 'must have the scheme, host and port of a registered redirect URI';
}
