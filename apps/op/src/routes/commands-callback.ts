import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidToken } from '../errors.js';
import { noStore } from '../middleware/no-store.js';
import { CALLBACK_PATH } from '../services/commands/callback-tokens.js';
import type { CallbackTokenRecord } from '../repositories/command-callback-repository.js';
import { findCallbackToken, handleCallback } from '../services/commands/handle-callback.js';
import { parseJson } from './admin/commands.js';

/** The bearer token of the Authorization header (RFC 6750 §2.1), if any. */
function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer +([\x21-\x7e]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * `POST /commands/callback` (the `callback_endpoint` of the `metadata` claim): the RP posts an
 * asynchronous result or a `command_requested` refresh with `Authorization: Bearer
 * <callback_token>` and a JSON body. 204 on success; RFC 6750 errors otherwise (401
 * `invalid_token` with `WWW-Authenticate`, 400 `invalid_request`). Always `no-store`.
 */
export function commandsCallbackRoute(deps: AppDeps): Router {
  const router = Router();

  /** The token first: a wrong token is a 401 whatever the body. */
  const authenticate: RequestHandler = async (req, res, next) => {
    const token = bearer(req.headers.authorization);
    if (token === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new InvalidToken('a callback token is required');
    }
    try {
      res.locals.callbackToken = await findCallbackToken(token, { callbacks: deps.repos.commandCallbacks, now: deps.now() });
    } catch (err) {
      if (err instanceof InvalidToken) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    next();
  };

  const callback: RequestHandler = async (req, res) => {
    try {
      const effect = await handleCallback(res.locals.callbackToken as CallbackTokenRecord, req.body, {
        callbacks: deps.repos.commandCallbacks,
        deliveries: deps.repos.commandDeliveries,
        clients: deps.repos.clients,
        now: deps.now(),
        onEnqueued: () => deps.onCommandEnqueued?.(),
      });
      deps.logger.info({ delivery: effect.deliveryId, effect: effect.kind }, 'command callback');
    } catch (err) {
      if (err instanceof InvalidToken) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    res.status(204).end();
  };

  router.post(CALLBACK_PATH, noStore, authenticate, parseJson(), callback);
  return router;
}
