import { ConfigError, loadConfig } from './config.js';
import { createApp } from './app.js';
import { createDb, databaseCheck } from './db/client.js';
import { createLogger } from './logger.js';
import { createRepositories } from './repositories/index.js';
import { createEncryptionKeyService } from './services/encryption-keys.js';
import { createAttemptExtras } from './services/commands/attempt-extras.js';
import { createAuditStore } from './services/commands/audit-store.js';
import { createDeliveryWorker } from './services/commands/delivery-worker.js';
import { createKeyService } from './services/keys.js';
import { clientKeys } from './services/client-keys.js';
import { createSessionExpirySweep } from './services/logout/session-expiry-sweep.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  const repos = createRepositories(db, { clients: { cacheTtlSeconds: config.clientCacheTtlSeconds } });
  const keys = createKeyService(repos.signingKeys, {
    onRefreshError: (err) => logger.warn({ err }, 'signing key refresh failed; keeping the loaded keys'),
  });
  await keys.reload();
  const encryptionKeys = createEncryptionKeyService(repos.encryptionKeys);
  await encryptionKeys.reload();
  const acrLevels = await repos.acrLevels.list();
  if (acrLevels.length === 0) throw new Error('no authentication levels in acr_levels: run the migrations');
  // The command outbox worker: polls, and is woken at once by every enqueue. Its state is all in
  // Postgres, so a restart resumes where it stopped; several processes share the outbox.
  const commandWorker = createDeliveryWorker({
    deliveries: repos.commandDeliveries,
    clients: repos.clients,
    keys,
    // Logout tokens for clients with encrypted ID tokens are encrypted to their keys.
    clientKeys: clientKeys(),
    issuer: config.issuer,
    logger,
    pollMs: config.commands.pollMs,
    retry: { maxAttempts: config.commands.maxAttempts },
    concurrency: config.commands.concurrency,
    extras: createAttemptExtras({
      issuer: config.issuer,
      callbacks: repos.commandCallbacks,
      organizations: repos.organizations,
      rpMetadata: repos.clientTenantMetadata,
      callbackTtlSeconds: config.commands.callbackTtlSeconds,
    }),
    auditStore: createAuditStore({ accounts: repos.auditAccounts, deliveries: repos.commandDeliveries }),
  });
  const app = createApp({
    config,
    acrLevels,
    encryptionKeys,
    repos,
    keys,
    logger,
    checkDatabase: databaseCheck(db),
    onCommandEnqueued: () => commandWorker.wake(),
  });
  const server = app.listen(config.port, () => {
    logger.info({ issuer: config.issuer, port: config.port }, 'OP listening');
  });
  commandWorker.start();
  // Expired OP sessions end like a logout: their RPs get Back-Channel Logout (docs/logout.md).
  const expirySweep = createSessionExpirySweep({
    logout: repos.logout,
    clients: repos.clients,
    logger,
    intervalMs: config.logout.sessionSweepSeconds * 1000,
    onEnqueued: () => commandWorker.wake(),
  });
  expirySweep.start();
  // Expired callback tokens (async results never posted) are dropped hourly.
  const callbackHousekeeping = setInterval(() => {
    void repos.commandCallbacks.deleteExpired(new Date()).catch((err: unknown) => logger.warn({ err }, 'callback token housekeeping failed'));
  }, 3_600_000);
  callbackHousekeeping.unref();
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'OP shutting down');
    keys.stop();
    server.close(() => {
      void Promise.all([commandWorker.stop(), expirySweep.stop()])
        .then(() => db.$disconnect())
        .finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('OP failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
