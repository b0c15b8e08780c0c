import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs; secrets, tokens, cookies and passwords are never logged. */
export function createLogger(level: string): Logger {
  return pino({
    name: 'op',
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.client_secret', '*.code'],
  });
}
