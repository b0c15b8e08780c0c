import {
  deliverCommand,
  interpretCommandResponse,
  isStreamingCommand,
  mintCommandToken,
  openCommandStream,
  readCommandStream,
  type CommandName,
  type CommandOutcome,
} from '@oidc-ref/op-commands';
import type { Logger } from '../../logger.js';
import type { ClientRepository } from '../../repositories/client-repository.js';
import type { AttemptResult, CommandDeliveryRecord, CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';
import type { ClientKeys } from '../client-keys.js';
import type { KeyService } from '../keys.js';
import { BACKCHANNEL_LOGOUT_KIND } from '../../repositories/logout-repository.js';
import { deliverBackchannelLogout } from '../logout/deliver-logout.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff.js';
import { commandEndpointFor } from './command-endpoint.js';

export interface DeliveryWorkerOptions {
  deliveries: CommandDeliveryRepository;
  clients: Pick<ClientRepository, 'findById'>;
  keys: Pick<KeyService, 'current'>;
  /** Clients' keys, to encrypt logout tokens for clients that registered ID token encryption. */
  clientKeys?: ClientKeys;
  issuer: string;
  logger: Logger;
  /** Milliseconds between polls of the outbox (`OP_COMMANDS_POLL_MS`). */
  pollMs: number;
  retry?: Partial<RetryPolicy>;
  /** How long a claimed row is ours; past it, another worker retries it (a crashed process). Default 60 s. */
  leaseMs?: number;
  /** Rows claimed per round. Default 20. */
  batchSize?: number;
  /** Command token lifetime (≤ 120 s). Default 60. */
  tokenTtlSeconds?: number;
  /** Per-request timeout. Default 10 s (keep it well under the lease). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
  random?: () => number;
}

export interface DeliveryWorker {
  /** Starts polling (unref'd timers: the worker never keeps the process alive). */
  start(): void;
  /** Stops polling and waits for the round in flight. */
  stop(): Promise<void>;
  /** Runs a round now (after an enqueue), or right after the round in flight. */
  wake(): void;
  /** One round: claims due rows, delivers them, records the outcomes. Returns rows attempted. */
  runOnce(): Promise<number>;
}

/** Where an incomplete tenant stream stopped: the next attempt resumes with `Last-Event-Id`. */
interface StreamProgress {
  stream: 'complete' | 'incomplete';
  account_events: number;
  total_accounts?: number;
  last_event_id?: string;
  error?: string;
}

function resumePoint(row: CommandDeliveryRecord): { alreadySeen: number; lastEventId: string } | undefined {
  const last = row.lastResponse as Partial<StreamProgress> | null;
  if (last?.stream !== 'incomplete' || typeof last.last_event_id !== 'string' || typeof last.account_events !== 'number') return undefined;
  return { alreadySeen: last.account_events, lastEventId: last.last_event_id };
}

/** What an outcome means for the row: a final status, or a retry. */
export function attemptResult(
  outcome: CommandOutcome,
  attempt: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number,
  progress?: StreamProgress,
): AttemptResult {
  switch (outcome.kind) {
    case 'succeeded':
      return { status: 'succeeded', lastStatus: outcome.status, lastResponse: outcome.body, now };
    case 'accepted':
      return { status: 'accepted', lastStatus: outcome.status, now };
    case 'converged':
      return { status: 'converged', lastStatus: outcome.status, lastResponse: { error: 'incompatible_state', account_state: outcome.accountState }, now };
    case 'rejected':
      return {
        status: 'failed',
        lastStatus: outcome.status,
        lastError: outcome.error,
        lastResponse: {
          error: outcome.error,
          ...(outcome.errorDescription !== undefined && { error_description: outcome.errorDescription }),
          ...(outcome.accountState !== undefined && { account_state: outcome.accountState }),
        },
        now,
      };
    case 'retry': {
      const base = {
        ...(outcome.status !== undefined && { lastStatus: outcome.status }),
        lastError: outcome.reason,
        ...(progress !== undefined && { lastResponse: progress }),
        now,
      };
      if (attempt >= policy.maxAttempts) return { status: 'failed', ...base, lastError: `gave up after ${attempt} attempts: ${outcome.reason}` };
      return { status: 'pending', ...base, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempt, policy, random)) };
    }
  }
}

/**
 * The outbox worker. Each round claims due rows (`FOR UPDATE SKIP LOCKED`, so several OP
 * processes share one outbox and deliver each command once), mints a fresh command token per
 * attempt (new `jti`, `aud` = the client's command endpoint for the tenant), delivers it with
 * `deliverCommand` and records the outcome: `succeeded`, `accepted` (202, async) and `converged`
 * (409, already in the target state) are done; `rejected` (other 4xx) fails at once; `retry`
 * (5xx, 408, 429, network) is tried again with exponential backoff until `maxAttempts`.
 *
 * @example
 * const worker = createDeliveryWorker({ deliveries: repos.commandDeliveries, clients: repos.clients, keys, issuer, logger, pollMs: 1000 });
 * worker.start();
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 20;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let started = false;
  /** The earliest retry this worker scheduled, so short backoffs need not wait for a poll. */
  let earliestRetry: number | undefined;

  /**
   * A streaming tenant command (§6.2): reads the SSE answer strictly with `readCommandStream`,
   * keeping the lease alive while it lasts; an incomplete stream is retried from its last event
   * id (with a fresh token). Per-account results are counted, not stored (yet).
   */
  async function deliverStream(
    row: CommandDeliveryRecord,
    endpoint: string,
    token: string,
    command: CommandName,
  ): Promise<{ outcome: CommandOutcome; progress?: StreamProgress }> {
    const resume = resumePoint(row);
    const response = await openCommandStream({
      commandEndpoint: endpoint,
      token,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(resume && { lastEventId: resume.lastEventId }),
      ...(options.fetch && { fetch: options.fetch }),
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.toLowerCase().startsWith('text/event-stream') || response.body === null) {
      const text = await response.text().catch(() => '');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (response.status === 200) return { outcome: { kind: 'retry', status: 200, reason: 'a streaming command answered without text/event-stream' } };
      return { outcome: interpretCommandResponse(command, response.status, body) };
    }
    const heartbeat = setInterval(() => {
      void options.deliveries.extendLease(row.id, row.attempts, new Date(now().getTime() + leaseMs)).catch(() => undefined);
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      const read = await readCommandStream(response.body, {
        ...(resume && { alreadySeen: resume.alreadySeen, lastEventId: resume.lastEventId }),
      });
      const progress: StreamProgress = {
        stream: read.complete ? 'complete' : 'incomplete',
        account_events: read.accountEvents,
        ...(read.totalAccounts !== undefined && { total_accounts: read.totalAccounts }),
        ...(read.lastEventId !== undefined && { last_event_id: read.lastEventId }),
        ...(read.error !== undefined && { error: read.error }),
      };
      if (read.complete) return { outcome: { kind: 'succeeded', status: 200, body: { ...progress } }, progress };
      return { outcome: { kind: 'retry', status: 200, reason: `incomplete stream: ${read.error ?? 'no command-complete'}` }, progress };
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function attempt(row: CommandDeliveryRecord): Promise<void> {
    // Back-Channel Logout rows share the outbox, its claiming, leases and retry policy; only the
    // token and the request differ (src/services/logout/deliver-logout.ts).
    if (row.kind === BACKCHANNEL_LOGOUT_KIND) {
      const logout = await deliverBackchannelLogout(row, { ...options, now: now() });
      if ('undeliverable' in logout) {
        await options.deliveries.recordAttempt(row.id, row.attempts, { status: 'failed', lastError: logout.undeliverable, now: now() });
        return;
      }
      await finish(row, logout.outcome);
      return;
    }
    const client = await options.clients.findById(row.clientId);
    const endpoint = client ? commandEndpointFor(client, row.tenant) : undefined;
    const at = now();
    if (!client || endpoint === undefined) {
      await options.deliveries.recordAttempt(row.id, row.attempts, {
        status: 'failed',
        lastError: client ? `the client no longer has a command endpoint for tenant ${row.tenant}` : 'the client no longer exists',
        now: at,
      });
      return;
    }
    const command = row.command as CommandName;
    let outcome: CommandOutcome;
    let progress: StreamProgress | undefined;
    try {
      const token = await mintCommandToken(options.keys.current(), {
        issuer: options.issuer,
        commandEndpoint: endpoint,
        clientId: client.id,
        tenant: row.tenant,
        command,
        ...(row.sub !== null && { sub: row.sub }),
        ...(row.claims !== null && { claims: row.claims }),
        now: at,
        ttlSeconds: options.tokenTtlSeconds ?? 60,
      });
      if (isStreamingCommand(command)) {
        ({ outcome, progress } = await deliverStream(row, endpoint, token, command));
      } else {
        outcome = await deliverCommand({
          commandEndpoint: endpoint,
          token,
          command,
          timeoutMs: options.timeoutMs ?? 10_000,
          ...(options.fetch && { fetch: options.fetch }),
        });
      }
    } catch (err) {
      outcome = { kind: 'retry', reason: `could not deliver: ${err instanceof Error ? err.message : String(err)}` };
    }
    // A stream that did not get going this time keeps its earlier resume point.
    if (progress === undefined && resumePoint(row) !== undefined) progress = row.lastResponse as StreamProgress;
    await finish(row, outcome, progress);
  }

  /** Records an attempt's outcome (fenced), remembering the earliest retry it schedules. */
  async function finish(row: CommandDeliveryRecord, outcome: CommandOutcome, progress?: StreamProgress): Promise<void> {
    const result = attemptResult(outcome, row.attempts, policy, now(), random, progress);
    if (result.status === 'pending') {
      const due = result.nextAttemptAt.getTime();
      earliestRetry = earliestRetry === undefined ? due : Math.min(earliestRetry, due);
    }
    const recorded = await options.deliveries.recordAttempt(row.id, row.attempts, result);
    options.logger[result.status === 'failed' ? 'warn' : 'info'](
      { delivery: row.id, client: row.clientId, command: row.command, attempt: row.attempts, outcome: outcome.kind, status: result.status, recorded },
      'command delivery attempt',
    );
  }

  async function round(): Promise<number> {
    let total = 0;
    for (;;) {
      const at = now();
      const rows = await options.deliveries.claimDue({ now: at, leaseUntil: new Date(at.getTime() + leaseMs), limit: batchSize });
      await Promise.all(rows.map((row) => attempt(row)));
      total += rows.length;
      if (rows.length < batchSize) return total;
    }
  }

  function schedule(): void {
    if (!started) return;
    if (timer) clearTimeout(timer);
    let delay = options.pollMs;
    if (earliestRetry !== undefined) delay = Math.max(0, Math.min(delay, earliestRetry - now().getTime()));
    timer = setTimeout(() => worker.wake(), delay);
    timer.unref();
  }

  const worker: DeliveryWorker = {
    runOnce() {
      if (running) {
        again = true;
        return running;
      }
      earliestRetry = undefined;
      running = round()
        .catch((err: unknown) => {
          options.logger.error({ err }, 'command delivery round failed');
          return 0;
        })
        .finally(() => {
          running = undefined;
          if (again && started) {
            again = false;
            worker.wake();
          } else {
            schedule();
          }
        });
      return running;
    },
    wake() {
      if (!started) return;
      void worker.runOnce();
    },
    start() {
      if (started) return;
      started = true;
      worker.wake();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
  return worker;
}
