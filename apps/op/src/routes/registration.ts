import express, { Router, type RequestHandler, type Response } from 'express';
import { randomToken, sha256Base64Url, timingSafeEqualString } from '@oidc-ref/crypto';
import type { ClientMetadata } from '@oidc-ref/token-schemas';
import type { AppDeps } from '../app.js';
import { InvalidClientMetadata, InvalidRedirectUri, InvalidToken } from '../errors.js';
import { noStore } from '../middleware/no-store.js';
import type { ClientRecord } from '../repositories/client-repository.js';
import { registrationEnabled, registrationPolicy, validateClientMetadata } from '../services/client-registration.js';
import { discoveryMetadata } from './discovery.js';

const REALM = 'Bearer realm="register"';

/** The bearer token of the Authorization header (RFC 6750 §2.1), if any. */
function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer +([\x21-\x7e]+)\s*$/i.exec(header);
  return match?.[1];
}

/** RFC 6750 §3: no token → a bare challenge; a bad one → `invalid_token`. Both 401. */
function refuse(res: Response, token: string | undefined, description: string): never {
  res.set('WWW-Authenticate', token === undefined ? REALM : `${REALM}, error="invalid_token"`);
  throw new InvalidToken(description);
}

/** The RFC 7591 §3.2.1 / RFC 7592 §3 client information response (no registration token). */
function clientInformation(issuer: string, client: ClientRecord): Record<string, unknown> {
  const metadata = client.metadata as ClientMetadata & { client_id_issued_at?: number };
  return {
    ...metadata,
    client_id: client.id,
    ...(client.secret !== null && { client_secret: client.secret, client_secret_expires_at: 0 }),
    registration_client_uri: `${issuer}/register/${encodeURIComponent(client.id)}`,
  };
}

/**
 * Dynamic client registration (RFC 7591, OIDC Registration 1.0) and the RFC 7592 read:
 * `POST /register`, `GET /register/:client_id`. Mounted only when registration is enabled
 * (`OP_REGISTRATION` open, or initial_access_token with a token configured); otherwise both
 * paths are plain 404s.
 */
export function registrationRoutes(deps: AppDeps): Router {
  const router = Router();
  const { registration, issuer } = deps.config;
  if (!registrationEnabled(registration)) return router;
  const policy = registrationPolicy(discoveryMetadata(issuer, { registrationEndpoint: true }));
  const json = express.json({ limit: '64kb' });

  const checkInitialAccessToken: RequestHandler = (req, res, next) => {
    if (registration.mode === 'open') return next();
    const token = bearer(req.headers.authorization);
    if (token === undefined || !timingSafeEqualString(token, registration.initialAccessToken ?? '')) {
      refuse(res, token, 'a valid initial access token is required to register');
    }
    next();
  };

  const parseJson: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) {
      next(new InvalidClientMetadata('the registration request must be application/json'));
      return;
    }
    json(req, res, (err?: unknown) => next(err ? new InvalidClientMetadata('the request body is not valid JSON') : undefined));
  };

  const register: RequestHandler = async (req, res) => {
    const result = validateClientMetadata(req.body, policy);
    if (!result.ok) {
      throw result.error === 'invalid_redirect_uri'
        ? new InvalidRedirectUri(result.description)
        : new InvalidClientMetadata(result.description);
    }
    let clientId = randomToken(16);
    while (await deps.repos.clients.findById(clientId)) clientId = randomToken(16);
    const registrationAccessToken = randomToken(32);
    const client = await deps.repos.clients.save({
      id: clientId,
      // 48 random octets, 64 characters: long enough for HS512 (RFC 7518 §3.2).
      secret: result.needsSecret ? randomToken(48) : null,
      firstParty: false,
      metadata: { ...result.metadata, client_id_issued_at: Math.floor(deps.now().getTime() / 1000) },
      registrationTokenHash: sha256Base64Url(registrationAccessToken),
    });
    deps.logger.info({ clientId }, 'client registered');
    res.status(201).json({ ...clientInformation(issuer, client), registration_access_token: registrationAccessToken });
  };

  const read: RequestHandler = async (req, res) => {
    const token = bearer(req.headers.authorization);
    if (token === undefined) refuse(res, token, 'the registration access token is required');
    const client = await deps.repos.clients.findByRegistrationTokenHash(sha256Base64Url(token));
    if (!client || client.id !== req.params.client_id) refuse(res, token, 'the registration access token is invalid');
    res.json(clientInformation(issuer, client));
  };

  router.post('/register', noStore, checkInitialAccessToken, parseJson, register);
  router.get('/register/:client_id', noStore, read);
  return router;
}
