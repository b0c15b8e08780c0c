import type { RequestHandler } from 'express';

import { checkReadiness } from '../services/check-readiness.js';
import type { RouteDeps } from './deps.js';

/** `GET /readyz`: readiness. 200 when the database answers `SELECT 1`, else 503. */
export function readyzRoute({ prisma }: Pick<RouteDeps, 'prisma'>): RequestHandler[] {
  return [
    async function readyz(_req, res) {
      const ready = await checkReadiness({ prisma });
      res
        .status(ready ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json({ status: ready ? 'ok' : 'unavailable' });
    },
  ];
}
