import request from 'supertest';
import type { JsonWebKeySet } from '@oidc-ref/crypto';
import { createLogger } from '../../src/logger.js';
import type { CommandDeliveryRecord } from '../../src/repositories/command-delivery-repository.js';
import { createAttemptExtras } from '../../src/services/commands/attempt-extras.js';
import { createAuditStore, type AuditStoreOptions } from '../../src/services/commands/audit-store.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../src/services/commands/delivery-worker.js';
import { ISSUER, type TestOp } from '../helpers/bootstrap.js';
import { startReceiver, type TestReceiver } from './receiver.js';

export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';
export const admin = () => ({ Authorization: `Bearer ${ADMIN_TOKEN}` });

const FINAL = new Set(['succeeded', 'converged', 'accepted', 'completed', 'failed']);

/**
 * Workers and receivers for one test file, wired like server.ts (callback tokens, the metadata
 * claim, the audit store), torn down after each test.
 */
export function commandHarness(getOp: () => TestOp) {
  const receivers: TestReceiver[] = [];
  const workers: DeliveryWorker[] = [];
  let jwks: JsonWebKeySet | undefined;

  return {
    async receiver(): Promise<TestReceiver> {
      jwks ??= (await request(getOp().app).get('/jwks').expect(200)).body as JsonWebKeySet;
      const r = await startReceiver({ issuer: ISSUER, jwks });
      receivers.push(r);
      return r;
    },
    worker(overrides: Partial<DeliveryWorkerOptions> = {}, audit: Partial<AuditStoreOptions> = {}): DeliveryWorker {
      const op = getOp();
      const w = createDeliveryWorker({
        deliveries: op.repos.commandDeliveries,
        clients: op.repos.clients,
        keys: op.keys,
        issuer: ISSUER,
        logger: createLogger('silent'),
        pollMs: 50,
        retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
        timeoutMs: 2000,
        extras: createAttemptExtras({
          issuer: ISSUER,
          callbacks: op.repos.commandCallbacks,
          organizations: op.repos.organizations,
          rpMetadata: op.repos.clientTenantMetadata,
          callbackTtlSeconds: 24 * 3600,
          rpMetadataCacheMs: 0,
        }),
        auditStore: createAuditStore({ accounts: op.repos.auditAccounts, deliveries: op.repos.commandDeliveries, ...audit }),
        ...overrides,
      });
      workers.push(w);
      return w;
    },
    async settled(id: string, timeoutMs = 10_000): Promise<CommandDeliveryRecord> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await getOp().repos.commandDeliveries.findById(id);
        if (row && FINAL.has(row.status)) return row;
        if (Date.now() > deadline) throw new Error(`delivery ${id} did not settle: ${JSON.stringify(row)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async teardown(): Promise<void> {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    },
  };
}
