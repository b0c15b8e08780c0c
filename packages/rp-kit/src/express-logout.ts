import type { IncomingMessage, ServerResponse } from 'node:http';

import { readFormField, sendNoStore } from './form-field.js';
import { LogoutTokenError } from './logout/errors.js';
import { checkLogoutToken, rememberLogoutJti } from './logout/verify.js';
import type { LogoutReplayStore, VerifiedLogoutToken, VerifyLogoutTokenOptions } from './logout/verify.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * The back-channel logout endpoint: `verifyLogoutToken`'s options plus what to do with a
 * valid token. `Tx` is whatever `transaction` hands out (e.g. a Prisma transaction client).
 */
export interface BackchannelLogoutEndpointOptions<Req extends IncomingMessage = IncomingMessage, Tx = undefined> extends Omit<VerifyLogoutTokenOptions, 'replay'> {
  /** The `jti` cache, or a function giving the one bound to `transaction`'s `tx`. */
  replay: LogoutReplayStore | ((tx: Tx) => LogoutReplayStore);
  /**
   * Ends the sessions the token names: by `sid`, and/or every session of `(iss, sub)`. "Already
   * gone" is success. If it throws, the error goes to `next(err)` (a 5xx, which the OP may
   * retry), and the `jti` is not kept: rolled back with `transaction`, else `replay.forget`.
   */
  logout(token: VerifiedLogoutToken, req: Req, tx: Tx): MaybePromise<void>;
  /**
   * Runs the replay step and `logout` as one unit of work, e.g.
   * `(work) => prisma.$transaction((tx) => work(tx))`: the `jti` is stored if and only if the
   * sessions ended. Signature and claims are checked before it starts (no network inside).
   */
  transaction?(work: (tx: Tx) => Promise<void>): Promise<void>;
  /** Called with every refused token before the 400 is sent, e.g. to log `error.code`. */
  onRejected?(error: LogoutTokenError, req: Req): void;
  /** Largest accepted form body, bytes. Default 64 KiB. */
  maxBodyBytes?: number;
}

/** The form's `logout_token` (x-www-form-urlencoded only). */
const readLogoutToken = (req: IncomingMessage & { body?: unknown }, maxBytes: number) =>
  readFormField(req, 'logout_token', maxBytes, (kind) =>
    kind === 'not_form'
      ? new LogoutTokenError('missing_token', 'the request must be application/x-www-form-urlencoded')
      : new LogoutTokenError('malformed', kind === 'too_large' ? 'the request body is too large' : 'logout_token must appear once'),
  );

/**
 * The Back-Channel Logout endpoint (OIDC Back-Channel Logout 1.0 §2.5–2.8) as a Node/Express
 * handler: reads the form's `logout_token`, verifies it (`verifyLogoutToken`: signature
 * and claims first, then the `jti` — inside `transaction` when given), calls `logout`, then
 * answers `200` with `Cache-Control: no-store`. A refused token is `400`
 * `{ "error": "invalid_request", "error_description": … }` and `logout` is not called.
 * Unexpected failures go to `next(err)`. It imports nothing from Express.
 *
 * @example
 * ```ts
 * app.post('/backchannel-logout', express.urlencoded({ extended: false }), backchannelLogoutEndpoint({
 *   issuer: 'https://op.example.org',
 *   clientId: 'rp-1',
 *   jwks: cachedJwks(async () => (await fetch(jwksUri)).json()),
 *   replay: new MemoryReplayStore(),
 *   logout: ({ iss, sub, sid }) => sessions.end({ iss, sub, sid }),
 * }));
 * ```
 */
export function backchannelLogoutEndpoint<Req extends IncomingMessage = IncomingMessage, Tx = undefined>(
  options: BackchannelLogoutEndpointOptions<Req, Tx>,
): (req: Req, res: ServerResponse, next: (error?: unknown) => void) => void {
  const { logout, onRejected, maxBodyBytes, transaction, replay, ...verifyOptions } = options;
  async function run(req: Req, res: ServerResponse): Promise<void> {
    const token = await readLogoutToken(req, maxBodyBytes ?? 65_536);
    const verified = await checkLogoutToken(token, verifyOptions);
    const remembered = async (tx: Tx): Promise<void> => {
      const store = typeof replay === 'function' ? replay(tx) : replay;
      await rememberLogoutJti(verified, store);
      try {
        await logout(verified, req, tx);
      } catch (err) {
        if (transaction === undefined) await store.forget?.(verified.iss, verified.jti).catch(() => undefined);
        throw err;
      }
    };
    if (transaction === undefined) await remembered(undefined as Tx);
    else await transaction(remembered);
    sendNoStore(res, 200);
  }
  return function backchannelLogoutStep(req, res, next) {
    run(req, res).catch((err: unknown) => {
      if (err instanceof LogoutTokenError && !res.headersSent) {
        onRejected?.(err, req);
        sendNoStore(res, err.status, err.body);
        return;
      }
      next(err);
    });
  };
}
