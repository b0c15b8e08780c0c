import { Router } from 'express';
import type { AppDeps } from '../app.js';
import { publicCors } from '../middleware/cors.js';
import { JWKS_MAX_AGE_SECONDS } from '../services/keys.js';

/**
 * The OP's public signing keys (OIDC Core §10.1.1): staged keys (published before they sign),
 * the active ones, and retired ones (still verifying tokens they signed), then the OP's
 * encryption key (`use: enc`, for encrypted id_token_hints). Never private members.
 */
export function jwksRoute(deps: AppDeps): Router {
  const router = Router();
  router.get('/jwks', publicCors, (_req, res) => {
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    const signing = deps.keys.current().publicJwks().keys;
    res.type('application/jwk-set+json').send(JSON.stringify({ keys: [...signing, ...(deps.encryptionKeys?.publicJwks() ?? [])] }));
  });
  return router;
}
