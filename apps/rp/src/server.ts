import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createPrismaClient } from './db/client.js';
import { createLogger } from './logger.js';
import { purgeExpiredSessions } from './services/purge-expired-sessions.js';

const SHUTDOWN_GRACE_MS = 10_000;
const PURGE_EVERY_MS = 15 * 60 * 1000;

function main(): void {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const prisma = createPrismaClient({ connectionString: config.databaseUrl });
  const app = createApp({ config, prisma, logger });

  const server = app.listen(config.port, (error?: Error) => {
    if (error) {
      logger.fatal({ err: error, port: config.port }, 'cannot listen');
      process.exit(1);
    }
    logger.info(
      { port: config.port, baseUrl: config.baseUrl, issuer: config.issuer, clientId: config.clientId },
      `RP listening on ${config.baseUrl}`,
    );
  });

  const purge = setInterval(() => {
    purgeExpiredSessions({ prisma, now: new Date() })
      .then((count) => {
        if (count > 0) logger.info({ count }, 'purged expired sessions');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'purging expired sessions failed'));
  }, PURGE_EVERY_MS);
  purge.unref();

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(purge);
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close((error) => {
      prisma
        .$disconnect()
        .catch((disconnectError: unknown) => logger.warn({ err: disconnectError }, 'disconnecting from the database failed'))
        .finally(() => {
          if (error) logger.warn({ err: error }, 'closing the HTTP server failed');
          process.exit(error ? 1 : 0);
        });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
