import express, { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../app.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors.js';
import { authenticateClient } from '../middleware/authenticate-client.js';
import { publicCors } from '../middleware/cors.js';
import { noStore } from '../middleware/no-store.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { grantHandlers } from './grants/index.js';

/** The token endpoint: [noStore, parseForm, authenticateClient, checkGrantType, dispatchGrant]. */
export function tokenRoute(deps: AppDeps): Router {
  const router = Router();
  const parseForm: RequestHandler = (req, _res, next) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      next(new InvalidRequest('the token request must be application/x-www-form-urlencoded'));
      return;
    }
    next();
  };
  const authenticate: RequestHandler = async (req, res, next) => {
    res.locals.client = await authenticateClient(req, deps.repos.clients);
    next();
  };
  const checkGrantType: RequestHandler = (req, res, next) => {
    const grantType = req.body.grant_type;
    if (typeof grantType !== 'string' || grantType === '') throw new InvalidRequest('grant_type is required');
    if (!grantHandlers[grantType]) throw new UnsupportedGrantType(`unsupported grant_type: ${grantType}`);
    const client = res.locals.client as ClientRecord;
    if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`this client may not use ${grantType}`);
    next();
  };
  const dispatchGrant: RequestHandler = async (req, res) => {
    const handler = grantHandlers[req.body.grant_type as string]!;
    res.json(await handler(deps, res.locals.client as ClientRecord, req.body));
  };
  router.options('/token', publicCors);
  router.post(
    '/token',
    publicCors,
    noStore,
    express.urlencoded({ extended: false, limit: '20kb' }),
    parseForm,
    authenticate,
    checkGrantType,
    dispatchGrant,
  );
  return router;
}
