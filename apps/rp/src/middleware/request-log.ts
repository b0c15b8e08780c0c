import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * One log line per request: method, path, status, duration. The path only: query strings carry
 * authorization codes and state, and headers carry cookies, so neither is logged.
 */
export function requestLog(logger: Logger): RequestHandler {
  return function requestLogStep(req, res, next) {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  };
}
