import pino, { type Logger } from 'pino';

import type { LogLevel } from './config.js';

/**
 * The app's pino logger. Redaction is a safety net: code never logs cookies, tokens or
 * secrets in the first place.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    name: 'rp',
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        '*.clientSecret',
        '*.client_secret',
        '*.idToken',
        '*.id_token',
        '*.access_token',
        '*.refresh_token',
        '*.code_verifier',
        '*.codeVerifier',
      ],
      censor: '[redacted]',
    },
  });
}
