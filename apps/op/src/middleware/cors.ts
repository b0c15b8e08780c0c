import type { RequestHandler } from 'express';

/**
 * CORS for endpoints that browsers' JavaScript may call (discovery, JWKS, token, userinfo):
 * any origin, never credentials (cookies are not how these endpoints authenticate).
 */
export const publicCors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, POST');
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};
