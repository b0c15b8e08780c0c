import type { IncomingMessage, ServerResponse } from 'node:http';

import { LogoutTokenError } from './logout/errors.js';
import { verifyLogoutToken } from './logout/verify.js';
import type { VerifiedLogoutToken, VerifyLogoutTokenOptions } from './logout/verify.js';

type MaybePromise<T> = T | Promise<T>;

/** The back-channel logout endpoint: {@link verifyLogoutToken}'s options plus what to do with a valid token. */
export interface BackchannelLogoutEndpointOptions<Req extends IncomingMessage = IncomingMessage> extends VerifyLogoutTokenOptions {
  /**
   * Ends the sessions the token names: by `sid`, and/or every session of `(iss, sub)`. "Already
   * gone" is success. If it throws, the `jti` is forgotten (`replay.forget`) and the error goes
   * to `next(err)` (a 5xx, which the OP may retry).
   */
  logout(token: VerifiedLogoutToken, req: Req): MaybePromise<void>;
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
 * handler: reads the form's `logout_token`, verifies it ({@link verifyLogoutToken}), calls
 * `logout`, then answers `200` with `Cache-Control: no-store`. A refused token is `400`
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
export function backchannelLogoutEndpoint<Req extends IncomingMessage = IncomingMessage>(
  options: BackchannelLogoutEndpointOptions<Req>,
): (req: Req, res: ServerResponse, next: (error?: unknown) => void) => void {
  const { logout, onRejected, maxBodyBytes, ...verifyOptions } = options;
  async function run(req: Req, res: ServerResponse): Promise<void> {
    const token = await readLogoutToken(req, maxBodyBytes ?? 65_536);
    const verified = await verifyLogoutToken(token, verifyOptions);
    try {
      await logout(verified, req);
    } catch (err) {
      await options.replay.forget?.(verified.iss, verified.jti).catch(() => undefined);
      throw err;
    }
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
