import type { RequestHandler } from 'express';

/** Pages with personal data or one-time protocol state must not be cached anywhere. */
export const noStore: RequestHandler = function noStore(_req, res, next) {
  res.set('Cache-Control', 'no-store');
  next();
};
