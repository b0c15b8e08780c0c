import type { RequestHandler } from 'express';

/**
 * The headers of a JSON endpoint mounted before helmet (token, introspection, revocation):
 * `Cache-Control: no-store` and `Pragma: no-cache` (the answers carry or describe credentials,
 * RFC 6749 §5.1, RFC 7662 §2.2), `X-Content-Type-Options: nosniff`, and HSTS on an https
 * issuer, as helmet sends it elsewhere.
 */
export function jsonApiHeaders(options: { hsts: boolean }): RequestHandler {
  return (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.set('Pragma', 'no-cache');
    res.set('X-Content-Type-Options', 'nosniff');
    if (options.hsts) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
