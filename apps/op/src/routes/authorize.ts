import { Router, type Request, type Response } from 'express';
import { checkClientId, checkClientKnown } from '../authorize/checks.js';
import { readRawParams } from '../authorize/params.js';
import { responseTargetFor, routingParams } from '../authorize/response-target.js';
import { validateAuthorizationRequest } from '../authorize/validate-request.js';
import { OAuthError, RenderedError, ServerError } from '../errors.js';
import type { AppDeps } from '../app.js';
import { deliverAuthorizationError } from '../services/authorization-response.js';
import { noStore } from '../middleware/no-store.js';

/**
 * The authorization endpoint (OIDC Core §3.1.2), GET and POST:
 * [readParams, checkClient, routeResponse, validate, proceed]. Errors before the client and its
 * redirect_uri are trusted are rendered; later ones are delivered to the client with the
 * request's response mode, `state` and `iss`.
 */
export function authorizeRoute(deps: AppDeps): Router {
  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const outer = readRawParams((req.method === 'POST' ? req.body : req.query) ?? {});
    const clientId = checkClientId(outer);
    const client = checkClientKnown(await deps.repos.clients.findById(clientId), clientId);
    const target = responseTargetFor(routingParams(outer), client, deps.config.issuer);
    try {
      const now = deps.now();
      const params = await validateAuthorizationRequest(outer, client, target, {
        issuer: deps.config.issuer,
        offeredAcrs: deps.acrLevels.map((level) => level.acr),
        ...(deps.encryptionKeys && { decryptHint: (jwe: string) => deps.encryptionKeys!.decrypt(jwe) }),
        keys: deps.keys.current(),
        clientKeys: deps.clientKeys,
        now,
      });
      const session = await deps.sessions.current(req, now);
      await deps.flow.proceed(res, { params, client, session, now });
    } catch (err) {
      if (err instanceof RenderedError) throw err;
      const oauthError = err instanceof OAuthError ? err : new ServerError('the request could not be completed', err);
      if (!(err instanceof OAuthError)) deps.logger.error({ err }, 'authorization request failed');
      deliverAuthorizationError(res, target, oauthError);
    }
  };
  router.get('/authorize', noStore, handle);
  router.post('/authorize', noStore, handle);
  return router;
}
