import express, { type Request, type RequestHandler } from 'express';

import { backchannelLogoutEndpoint } from '@oidc-ref/rp-kit/express';

import type { Db } from '../repositories/db.js';
import { rememberLogoutJti } from '../repositories/logout-jti-repository.js';
import { endOpSessions } from '../services/end-op-sessions.js';
import { createOpJwks } from '../services/op-jwks.js';
import type { RouteDeps } from './deps.js';

/**
 * `POST /backchannel-logout` (OIDC Back-Channel Logout 1.0): the OP's form-encoded
 * `logout_token`, verified by rp-kit in the §2.6 order against `RP_OIDC_ISSUER`, `RP_CLIENT_ID`
 * and the OP's JWKS, its `jti` kept in `logout_jtis` until `exp` (in the same transaction as
 * the session deletion). A valid token ends the
 * sessions it names (by `sid`, and/or every session of `(iss, sub)`), then `200`; any refused
 * token is `400 { error: "invalid_request" }` and changes nothing. `Cache-Control: no-store`.
 * An unreachable OP JWKS is `503` (the OP retries). No session, no cookies: OP-to-RP only.
 */
export function backchannelLogoutRoute({ config, prisma, oidc, logger }: Pick<RouteDeps, 'config' | 'prisma' | 'oidc' | 'logger'>): RequestHandler[] {
  const jwks = createOpJwks({ oidc });
  return [
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 }),
    backchannelLogoutEndpoint<Request, Db>({
      issuer: config.issuer,
      clientId: config.clientId,
      jwks,
      // The jti is stored if and only if the sessions ended: one transaction, opened only after
      // the signature and claims passed (no network call inside it).
      transaction: (work) => prisma.$transaction((tx) => work(tx)),
      replay: (tx) => ({
        checkAndStore: (issuer, jti, exp) => rememberLogoutJti(tx, { issuer, jti, expiresAt: new Date(exp * 1000), now: new Date() }),
      }),
      async logout({ iss, sub, sid }, _req, tx) {
        const ended = await endOpSessions({ db: tx, issuer: iss, sub, sid });
        // sid is not logged: with the front-channel endpoint it is enough to end that session.
        logger.info({ sub, bySid: sid !== undefined, ended: ended.length }, 'back-channel logout');
      },
      onRejected(error) {
        logger.warn({ code: error.code, detail: error.message }, 'logout token refused');
      },
    }),
  ];
}
