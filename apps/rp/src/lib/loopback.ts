const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a URL's host is a loopback address: `localhost`, `127.0.0.1` or `[::1]`.
 * `hostname` is taken from the WHATWG URL parser, so IPv6 keeps its brackets.
 *
 * @example
 * isLoopbackUrl(new URL('http://127.0.0.1:4000')); // true
 * isLoopbackUrl(new URL('http://op.example')); // false
 */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

/**
 * Whether openid-client may talk plain HTTP to this issuer: only when it is `http:` on a
 * loopback host (local development). Everything else must be `https:`.
 */
export function allowsInsecureRequests(issuer: URL): boolean {
  return issuer.protocol === 'http:' && isLoopbackUrl(issuer);
}
