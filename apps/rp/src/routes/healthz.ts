import type { RequestHandler } from 'express';

/** `GET /healthz`: liveness. The process is up and serving; nothing else is checked. */
export function healthzRoute(): RequestHandler[] {
  return [
    function healthz(_req, res) {
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    },
  ];
}
