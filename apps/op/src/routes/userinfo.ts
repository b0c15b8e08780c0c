import express, { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app.js';
import { publicCors } from '../middleware/cors.js';
import { noStore } from '../middleware/no-store.js';
import { readAccessToken } from '../services/read-access-token.js';
import { userinfoClaims } from '../services/user-claims.js';
import { formatUserinfo } from '../services/userinfo-response.js';

/** RFC 6750 §3: the challenge names the error; a request with no token gets no error code. */
function challenge(res: Response, error?: string, description?: string) {
  const parts = ['Bearer realm="userinfo"'];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description}"`);
  res.set('WWW-Authenticate', parts.join(', '));
}

/** Exactly one token: header or form body (RFC 6750 §2), never both. */
function readBearer(req: Request): { token?: string; error?: string } {
  const header = req.headers.authorization;
  const bodyToken = typeof req.body?.access_token === 'string' ? req.body.access_token : undefined;
  const headerToken = header && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
  if (headerToken && bodyToken) return { error: 'invalid_request' };
  return { token: headerToken ?? bodyToken };
}

/**
 * The UserInfo endpoint (OIDC Core §5.3): GET and POST, claims by granted scope; plain JSON, or
 * a signed and/or encrypted JWT when the client registered for it (§5.3.2). The access token
 * may be opaque or an RFC 9068 JWT of a user (see services/read-access-token.ts).
 */
export function userinfoRoute(deps: AppDeps): Router {
  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const { token, error } = readBearer(req);
    if (error) {
      challenge(res, 'invalid_request', 'send the access token one way only');
      res.status(400).json({ error: 'invalid_request', error_description: 'send the access token one way only' });
      return;
    }
    if (!token) {
      challenge(res);
      res.status(401).json({ error: 'invalid_token', error_description: 'an access token is required' });
      return;
    }
    // Opaque or RFC 9068 JWT: either must still be live in the database (a JWT by its jti).
    const record = await readAccessToken(deps, token, deps.now());
    const user = record?.userId ? await deps.repos.users.findById(record.userId) : null;
    if (!record || !user) {
      challenge(res, 'invalid_token', 'the access token is invalid, expired or revoked');
      res.status(401).json({ error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' });
      return;
    }
    const scopes = record.scope.split(' ');
    if (!scopes.includes('openid')) {
      challenge(res, 'insufficient_scope');
      res.status(403).json({ error: 'insufficient_scope', error_description: 'the openid scope was not granted' });
      return;
    }
    const client = await deps.repos.clients.findById(record.clientId);
    if (!client) {
      challenge(res, 'invalid_token', 'the access token is invalid, expired or revoked');
      res.status(401).json({ error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' });
      return;
    }
    const response = await formatUserinfo(deps, client, userinfoClaims(user, scopes, record.claims ?? undefined));
    if (response.type === 'jwt') res.type('application/jwt').send(response.body);
    else res.json(response.body);
  };
  router.options('/userinfo', publicCors);
  router.get('/userinfo', publicCors, noStore, handle);
  router.post('/userinfo', publicCors, noStore, express.urlencoded({ extended: false, limit: '10kb' }), handle);
  return router;
}
