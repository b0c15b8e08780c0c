import type { IncomingMessage, ServerResponse } from 'node:http';

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

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** The form's `logout_token`: from a body parser's object, or read from the stream (x-www-form-urlencoded only). */
async function readLogoutToken(req: IncomingMessage & { body?: unknown }, maxBytes: number): Promise<unknown> {
  const { body } = req;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return (body as Record<string, unknown>)['logout_token'];
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new LogoutTokenError('missing_token', 'the request must be application/x-www-form-urlencoded');
  let raw: string;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    raw = body.toString();
  } else {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new LogoutTokenError('malformed', 'the request body is too large');
      chunks.push(chunk);
    }
    raw = Buffer.concat(chunks).toString('utf8');
  }
  const values = new URLSearchParams(raw).getAll('logout_token');
  if (values.length > 1) throw new LogoutTokenError('malformed', 'logout_token must appear once');
  return values[0];
}

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
    send(res, 200);
  }
  return function backchannelLogoutStep(req, res, next) {
    run(req, res).catch((err: unknown) => {
      if (err instanceof LogoutTokenError && !res.headersSent) {
        onRejected?.(err, req);
        send(res, err.status, err.body);
        return;
      }
      next(err);
    });
  };
}
