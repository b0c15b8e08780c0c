import { Router } from 'express';
import type { AppDeps } from '../app.js';
import { publicCors } from '../middleware/cors.js';

/** The OP's public signing keys: active and retired ones, never private members. */
export function jwksRoute(deps: AppDeps): Router {
  const router = Router();
  router.get('/jwks', publicCors, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.type('application/jwk-set+json').send(JSON.stringify(deps.keys.current().publicJwks()));
  });
  return router;
}
