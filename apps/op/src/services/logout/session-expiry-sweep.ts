import type { Logger } from '../../logger.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import type { LogoutRepository } from '../../repositories/logout-repository.js';
import { endSessions } from './end-sessions.js';

export interface SessionExpirySweepOptions {
  logout: Pick<LogoutRepository, 'endSessions'>;
  clients: Pick<ClientRepository, 'findById'>;
  logger: Logger;
  /** Milliseconds between sweeps (`OP_SESSION_SWEEP_SECONDS`). */
  intervalMs: number;
  /** Sessions ended per transaction. Default 100. */
  batchSize?: number;
  onEnqueued?: () => void;
  now?: () => Date;
}

export interface SessionExpirySweep {
  start(): void;
  stop(): Promise<void>;
  /** One sweep: ends every expired session, in batches. Returns how many ended. */
  runOnce(): Promise<number>;
}

/**
 * Session expiry notifies RPs too: a periodic sweep ends every OP session past its `expires_at`
 * exactly like a logout (tokens bound to it revoked, one Back-Channel Logout per client that
 * took part). Batches are claimed with `FOR UPDATE SKIP LOCKED`, so every OP process may sweep.
 * An RP hears of an expiry at most one interval late.
 *
 * @example
 * const sweep = createSessionExpirySweep({ logout: repos.logout, clients: repos.clients, logger, intervalMs: 60_000 });
 * sweep.start();
 */
export function createSessionExpirySweep(options: SessionExpirySweepOptions): SessionExpirySweep {
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const at = now();
      const { ended, deliveryIds } = await endSessions(
        { expiredAt: at, limit: batchSize },
        { logout: options.logout, clients: options.clients, now: at, ...(options.onEnqueued && { onEnqueued: options.onEnqueued }) },
      );
      total += ended.length;
      if (ended.length > 0) options.logger.info({ sessions: ended.length, backchannel: deliveryIds.length }, 'expired OP sessions ended');
      if (ended.length < batchSize) return total;
    }
  }

  const sweeper: SessionExpirySweep = {
    runOnce() {
      running ??= sweep()
        .catch((err: unknown) => {
          options.logger.error({ err }, 'session expiry sweep failed');
          return 0;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    start() {
      if (timer || options.intervalMs <= 0) return;
      timer = setInterval(() => void sweeper.runOnce(), options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
  return sweeper;
}
