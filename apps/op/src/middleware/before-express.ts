import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** Answers the request and returns true, or returns false to leave it to Express. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Lets `handlers` answer the requests they claim before Express sees them; every other request
 * goes through the app as usual.
 *
 * Why: Express 5 prepares every request by swapping the prototypes of Node's `req` and `res`
 * (`app.handle`), which de-optimises every later property access on them. Measured on the token
 * endpoint (bench/README.md, Hot spots) that setup and the router cost more CPU than a whole
 * client_credentials grant. The handlers here must therefore use plain Node `req`/`res` only,
 * and behave exactly as their Express routes do (they are the same code: see routes/token.ts).
 *
 * It wraps `app.handle`, which the app function and `app.listen()` call for every request
 * (Express 5 `lib/express.js`), so a test's supertest agent takes the same path as production.
 */
export function answerBeforeExpress(app: Express, handlers: readonly RawHandler[]): void {
  const target = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const expressHandle = target.handle.bind(app);
  target.handle = (req, res, next) => {
    for (const handler of handlers) if (handler(req, res)) return;
    expressHandle(req, res, next);
  };
}
