import { Router, type Request, type Response } from 'express';
import { CryptoError } from '@oidc-ref/crypto';
import {
  checkClientId,
  checkClientKnown,
  checkMaxAge,
  checkNoDuplicates,
  checkPkce,
  checkPrompt,
  checkRedirectUri,
  checkRequestObjectAbsent,
  checkResponseModeSupported,
  checkResponseType,
  checkScope,
} from '../authorize/checks.js';
import { readRawParams, type AuthorizationParams, type RawParams } from '../authorize/params.js';
import { InvalidRequest, OAuthError, RenderedError, ServerError } from '../errors.js';
import type { AppDeps } from '../app.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { authorizationErrorUrl, type ResponseTarget } from '../services/authorization-response.js';
import { noStore } from '../middleware/no-store.js';

/**
 * The authorization endpoint (OIDC Core §3.1.2), GET and POST. Errors before the client and
 * its redirect_uri are trusted are rendered; later ones are redirected with `state` and `iss`.
 */
export function authorizeRoute(deps: AppDeps): Router {
  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const raw = readRawParams((req.method === 'POST' ? req.body : req.query) ?? {});
    const clientId = checkClientId(raw);
    const client = checkClientKnown(await deps.repos.clients.findById(clientId), clientId);
    const responseMode = checkResponseModeSupported(raw);
    const redirectUri = checkRedirectUri(raw, client);
    const target: ResponseTarget = {
      redirectUri,
      mode: responseMode ?? 'query',
      state: raw.duplicates.includes('state') ? undefined : raw.values.state,
      issuer: deps.config.issuer,
    };
    try {
      const params = await validate(raw, deps, client, target);
      const now = deps.now();
      const session = await deps.sessions.current(req, now);
      await deps.flow.proceed(res, { params, client, session, now });
    } catch (err) {
      if (err instanceof RenderedError) throw err;
      const oauthError = err instanceof OAuthError ? err : new ServerError('the request could not be completed', err);
      if (!(err instanceof OAuthError)) deps.logger.error({ err }, 'authorization request failed');
      res.redirect(303, authorizationErrorUrl(target, oauthError));
    }
  };
  router.get('/authorize', noStore, handle);
  router.post('/authorize', noStore, handle);
  return router;
}

async function validate(raw: RawParams, deps: AppDeps, client: ClientRecord, target: ResponseTarget): Promise<AuthorizationParams> {
  const clientId = client.id;
  checkNoDuplicates(raw);
  checkRequestObjectAbsent(raw);
  const responseType = checkResponseType(raw, client);
  const scopes = checkScope(raw);
  const prompt = checkPrompt(raw);
  const maxAge = checkMaxAge(raw);
  const pkce = checkPkce(raw);
  const v = raw.values;
  const params: AuthorizationParams = {
    client_id: clientId,
    redirect_uri: target.redirectUri,
    response_type: responseType,
    response_mode: target.mode,
    scopes,
    prompt,
    ...pkce,
    ...(v.state !== undefined && { state: v.state }),
    ...(v.nonce !== undefined && { nonce: v.nonce }),
    ...(maxAge !== undefined && { max_age: maxAge }),
    ...(v.login_hint !== undefined && { login_hint: v.login_hint }),
    ...(v.ui_locales !== undefined && { ui_locales: v.ui_locales }),
    ...(v.acr_values !== undefined && { acr_values: v.acr_values }),
  };
  if (v.id_token_hint !== undefined) {
    params.id_token_hint = v.id_token_hint;
    params.hinted_sub = await verifyIdTokenHint(v.id_token_hint, deps, clientId);
  }
  return params;
}

/**
 * id_token_hint must be an ID token this OP issued (signature by one of our keys, our `iss`)
 * to this client; an expired one is still a valid hint (OIDC Core §3.1.2.1).
 */
async function verifyIdTokenHint(hint: string, deps: AppDeps, clientId: string): Promise<string> {
  try {
    const { payload } = await deps.keys.current().verify(hint, { issuer: deps.config.issuer, allowExpired: true });
    const aud = payload.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(clientId)) throw new InvalidRequest('id_token_hint was not issued to this client');
    if (typeof payload.sub !== 'string') throw new InvalidRequest('id_token_hint has no sub');
    return payload.sub;
  } catch (err) {
    if (err instanceof CryptoError) throw new InvalidRequest('id_token_hint is not an ID token issued by this provider', err.code);
    throw err;
  }
}
