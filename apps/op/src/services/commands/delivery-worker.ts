import {
  deliverCommand,
  interpretCommandResponse,
  isStreamingCommand,
  mintCommandToken,
  openCommandStream,
  readCommandStream,
  readJsonAnswer,
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
import type { ClientRecord } from '../../repositories/client-repository.js';
import { NO_EXTRAS, type AttemptExtras } from './attempt-extras.js';
import type { AuditStore } from './audit-store.js';
import { createAttemptRecorder } from './attempt-recorder.js';
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
  /** Rows claimed at a time. Default: twice `concurrency`. */
  batchSize?: number;
  /** Deliveries in flight at once (`OP_COMMANDS_CONCURRENCY`). Default 16. */
  concurrency?: number;
  /** Mint-time input (callback tokens, `metadata`, `migrate`) and answer checks; see attempt-extras.ts. */
  extras?: AttemptExtras;
  /** Where `audit_tenant` account events go while a stream is read (none: only counted). */
  auditStore?: AuditStore;
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
  /** `reading`: written while the stream is read (audit_tenant), resumable like `incomplete`. */
  stream: 'complete' | 'incomplete' | 'reading' | 'restarted';
  account_events: number;
  total_accounts?: number;
  last_event_id?: string;
  error?: string;
}

function resumePoint(row: CommandDeliveryRecord): { alreadySeen: number; lastEventId: string } | undefined {
  const last = row.lastResponse as Partial<StreamProgress> | null;
  if ((last?.stream !== 'incomplete' && last?.stream !== 'reading') || typeof last.last_event_id !== 'string' || typeof last.account_events !== 'number') return undefined;
  return { alreadySeen: last.account_events, lastEventId: last.last_event_id };
}

function concurrencyOf(options: Pick<DeliveryWorkerOptions, 'concurrency'>): number {
  return options.concurrency ?? 16;
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
        lastError: outcome.errorDescription === undefined ? outcome.error : `${outcome.error}: ${outcome.errorDescription}`,
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
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let started = false;
  /** The earliest retry this worker scheduled, so short backoffs need not wait for a poll. */
  let earliestRetry: number | undefined;

  const extras = options.extras ?? NO_EXTRAS;
  const recorder = createAttemptRecorder(options.deliveries, { maxBatch: Math.max(1, concurrencyOf(options)) });
  const concurrency = concurrencyOf(options);
  const batchSize = options.batchSize ?? concurrency * 2;

  /** A non-SSE answer to a streaming command, interpreted like any answer (a 200 is retried). */
  async function nonStreamOutcome(response: Response, command: CommandName, resumed: boolean): Promise<{ outcome: CommandOutcome; restart?: boolean }> {
    const body = await readJsonAnswer(response);
    if (response.status === 200) return { outcome: { kind: 'retry', status: 200, reason: 'a streaming command answered without text/event-stream' } };
    if (resumed && response.status === 404 && (body as { error?: unknown } | undefined)?.error === 'last-event-id-unavailable') {
      return { outcome: { kind: 'retry', status: 404, reason: 'the RP cannot resume the stream (last-event-id-unavailable): starting over' }, restart: true };
    }
    return { outcome: interpretCommandResponse(command, response.status, body) };
  }

  /** Extends the lease every third of it while `work` runs (fenced like every write). */
  async function withLease<T>(row: CommandDeliveryRecord, work: () => Promise<T>): Promise<T> {
    const heartbeat = setInterval(() => {
      void options.deliveries.extendLease(row.id, row.attempts, new Date(now().getTime() + leaseMs)).catch(() => undefined);
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * A streaming tenant command (§6.2): reads the SSE answer strictly with `readCommandStream`,
   * keeping the lease alive while it lasts; `audit_tenant` events go to the audit store as they
   * arrive. An incomplete stream is retried from its last event id (with a fresh token); an RP
   * that cannot resume (404 `last-event-id-unavailable`) gets the command again from scratch.
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
      const { outcome, restart } = await nonStreamOutcome(response, command, resume !== undefined);
      if (restart) return { outcome, progress: { stream: 'restarted', account_events: 0 } };
      return { outcome };
    }
    const body = response.body;
    return withLease(row, async () => {
      const sink =
        command === 'audit_tenant' && options.auditStore
          ? await options.auditStore.open({ deliveryId: row.id, attempt: row.attempts, ...(resume && { alreadySeen: resume.alreadySeen }) })
          : undefined;
      let read: Awaited<ReturnType<typeof readCommandStream>>;
      try {
        read = await readCommandStream(body, {
          ...(resume && { alreadySeen: resume.alreadySeen, lastEventId: resume.lastEventId }),
          ...(sink && { onAccount: sink.onAccount }),
        });
      } catch (err) {
        // Stop the sink's timers; the attempt fails with the reading error, not a storage one.
        await sink?.flush().catch(() => undefined);
        throw err;
      }
      await sink?.flush();
      const progress: StreamProgress = {
        stream: read.complete ? 'complete' : 'incomplete',
        account_events: read.accountEvents,
        ...(read.totalAccounts !== undefined && { total_accounts: read.totalAccounts }),
        ...(read.lastEventId !== undefined && { last_event_id: read.lastEventId }),
        ...(read.error !== undefined && { error: read.error }),
      };
      if (read.complete) return { outcome: { kind: 'succeeded', status: 200, body: { ...progress } }, progress };
      return { outcome: { kind: 'retry', status: 200, reason: `incomplete stream: ${read.error ?? 'no command-complete'}` }, progress };
    });
  }

  /** Mints this attempt's token (fresh jti, mint-time extras) and sends it. */
  async function send(row: CommandDeliveryRecord, client: ClientRecord, endpoint: string, at: Date): Promise<{ outcome: CommandOutcome; progress?: StreamProgress }> {
    const command = row.command as CommandName;
    const token = await mintCommandToken(options.keys.current(), {
      issuer: options.issuer,
      commandEndpoint: endpoint,
      clientId: client.id,
      tenant: row.tenant,
      command,
      ...(row.sub !== null && { sub: row.sub }),
      ...(row.claims !== null && { claims: row.claims }),
      ...(await extras.mintInput(row, at)),
      now: at,
      ttlSeconds: options.tokenTtlSeconds ?? 60,
    });
    if (isStreamingCommand(command)) {
      const streamed = await deliverStream(row, endpoint, token, command);
      return { ...streamed, outcome: await extras.settle(row, endpoint, streamed.outcome, now()) };
    }
    const outcome = await deliverCommand({
      commandEndpoint: endpoint,
      token,
      command,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.fetch && { fetch: options.fetch }),
    });
    return { outcome: await extras.settle(row, endpoint, outcome, now()) };
  }

  /** Records an attempt's outcome (a final status or a retry) and logs it. */
  async function finish(row: CommandDeliveryRecord, outcome: CommandOutcome, progress?: StreamProgress): Promise<void> {
    const result = attemptResult(outcome, row.attempts, policy, now(), random, progress);
    if (result.status === 'pending') {
      const due = result.nextAttemptAt.getTime();
      earliestRetry = earliestRetry === undefined ? due : Math.min(earliestRetry, due);
    }
    const recorded = await recorder.record(row.id, row.attempts, result);
    options.logger[result.status === 'failed' ? 'warn' : 'debug'](
      { delivery: row.id, client: row.clientId, command: row.command, attempt: row.attempts, outcome: outcome.kind, status: result.status, recorded },
      'command delivery attempt',
    );
  }

  async function attempt(row: CommandDeliveryRecord, clientOf: (id: string) => Promise<ClientRecord | null>): Promise<void> {
    // Back-Channel Logout rows share the outbox, its claiming, leases and retry policy; only the
    // token and the request differ (src/services/logout/deliver-logout.ts).
    if (row.kind === BACKCHANNEL_LOGOUT_KIND) {
      const logout = await deliverBackchannelLogout(row, { ...options, now: now() });
      if ('undeliverable' in logout) await recorder.record(row.id, row.attempts, { status: 'failed', lastError: logout.undeliverable, now: now() });
      else await finish(row, logout.outcome);
      return;
    }
    const client = await clientOf(row.clientId);
    const endpoint = client ? commandEndpointFor(client, row.tenant) : undefined;
    const at = now();
    if (!client || endpoint === undefined) {
      await recorder.record(row.id, row.attempts, {
        status: 'failed',
        lastError: client ? `the client no longer has a command endpoint for tenant ${row.tenant}` : 'the client no longer exists',
        now: at,
      });
      return;
    }
    let outcome: CommandOutcome;
    let progress: StreamProgress | undefined;
    try {
      ({ outcome, progress } = await send(row, client, endpoint, at));
    } catch (err) {
      outcome = { kind: 'retry', reason: `could not deliver: ${err instanceof Error ? err.message : String(err)}` };
    }
    // A stream that did not get going this time keeps its earlier resume point.
    if (progress === undefined && resumePoint(row) !== undefined) progress = row.lastResponse as StreamProgress;
    await finish(row, outcome, progress);
  }

  /**
   * Claims due rows and delivers them with `concurrency` lanes until none are due: a lane that
   * finds the claimed rows used up claims the next `batchSize` (one claim at a time), so a slow
   * delivery (a long stream) never holds up the others. Each client is read once per round
   * (commands of a fan-out mostly share a few clients).
   */
  async function round(): Promise<number> {
    let total = 0;
    const clients = new Map<string, Promise<ClientRecord | null>>();
    const clientOf = (id: string) => {
      let found = clients.get(id);
      if (!found) clients.set(id, (found = options.clients.findById(id)));
      return found;
    };
    const queue: CommandDeliveryRecord[] = [];
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    const claim = async () => {
      const at = now();
      let rows: CommandDeliveryRecord[];
      try {
        rows = await options.deliveries.claimDue({ now: at, leaseUntil: new Date(at.getTime() + leaseMs), limit: batchSize });
      } catch (err) {
        // Every lane stops after the rows it holds; the round fails and the next one retries.
        exhausted = true;
        throw err;
      }
      queue.push(...rows);
      total += rows.length;
      if (rows.length < batchSize) exhausted = true;
    };
    const lane = async () => {
      for (;;) {
        const row = queue.shift();
        if (row) {
          await attempt(row, clientOf);
          continue;
        }
        if (exhausted) return;
        claiming ??= claim().finally(() => (claiming = undefined));
        await claiming;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return total;
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
