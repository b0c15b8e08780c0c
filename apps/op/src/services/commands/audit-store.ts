import type { AccountStateEvent } from '@oidc-ref/op-commands';
import type { AuditAccountRepository, AuditAccountRow } from '../../repositories/audit-account-repository.js';
import type { CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';

/** The progress of a stream being read, as the delivery's `last_response` shows it. */
interface AuditProgress {
  stream: 'reading';
  account_events: number;
  last_event_id?: string;
}

/** Collects one attempt's `account-state` events; `flush` stores what is buffered. */
export interface AuditSink {
  onAccount(event: AccountStateEvent): Promise<void> | undefined;
  flush(): Promise<void>;
}

export interface AuditStore {
  /**
   * A sink for one attempt of delivery `deliveryId` (attempt number `attempt`, for the fenced
   * progress writes). `alreadySeen` events are stored from earlier attempts (a resumed stream);
   * without it the stream starts from scratch and earlier rows are cleared first.
   */
  open(input: { deliveryId: string; attempt: number; alreadySeen?: number }): Promise<AuditSink>;
}

export interface AuditStoreOptions {
  accounts: Pick<AuditAccountRepository, 'insertBatch' | 'clear'>;
  deliveries: Pick<CommandDeliveryRepository, 'recordProgress'>;
  /** Events per INSERT. Default 1000. */
  batchSize?: number;
  /** Longest time buffered events wait, in ms. Default 250. */
  flushMs?: number;
  /**
   * Least time between two progress writes during a fast stream, in ms. Default 250. A write
   * made because the stream paused (the `flushMs` timer) or ended (`flush`) always records it.
   */
  progressMs?: number;
  nowMs?: () => number;
}

/** An event as a row: the known members in columns, the rest as `claims`. */
export function auditRow(event: AccountStateEvent, seq: number): AuditAccountRow {
  const { id: _id, sub, account_state: accountState, last_access: lastAccess, authentication_provider: provider, ...claims } = event;
  return {
    seq,
    sub,
    accountState,
    lastAccess: typeof lastAccess === 'number' && Number.isFinite(lastAccess) ? Math.trunc(lastAccess) : null,
    authenticationProvider: typeof provider === 'string' ? provider : null,
    claims,
  };
}

/**
 * Stores `audit_tenant` account events while the stream is read: buffered and written with one
 * multi-row INSERT every `batchSize` events or `flushMs`, whichever comes first, so memory stays
 * flat whatever the stream's length. One write is in flight while the next batch is parsed; a
 * batch that is full while the previous write is still running waits for it, so a slow database
 * slows the reading of the stream (backpressure) and never more than two batches are held.
 * After each write the delivery's `last_response` gets the progress `{ stream: "reading",
 * account_events, last_event_id }` (a console shows it live; a worker that crashed resumes from
 * it: it names only rows already stored). A stream that pauses has its buffer written after
 * `flushMs` by a timer.
 *
 * @example
 * const sink = await store.open({ deliveryId: row.id, attempt: row.attempts });
 * await readCommandStream(body, { onAccount: sink.onAccount });
 * await sink.flush();
 */
export function createAuditStore(options: AuditStoreOptions): AuditStore {
  const batchSize = options.batchSize ?? 1000;
  const flushMs = options.flushMs ?? 250;
  const progressMs = options.progressMs ?? 250;
  const nowMs = options.nowMs ?? Date.now;
  return {
    async open({ deliveryId, attempt, alreadySeen }) {
      if (alreadySeen === undefined) await options.accounts.clear(deliveryId);
      let seq = alreadySeen ?? 0;
      let buffer: AuditAccountRow[] = [];
      let lastEventId: string | undefined;
      let lastFlush = nowMs();
      /** The chain of writes: one runs at a time, so progress is written in stream order. */
      let writing: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;

      let lastProgress: number | undefined;
      let latest: AuditProgress | undefined;
      let progressTimer: NodeJS.Timeout | undefined;
      const recordProgress = async (value: AuditProgress) => {
        lastProgress = nowMs();
        latest = undefined;
        await options.deliveries.recordProgress(deliveryId, attempt, value);
      };
      const write = async (rows: AuditAccountRow[], eventId: string | undefined, forceProgress: boolean) => {
        await options.accounts.insertBatch(deliveryId, rows);
        const value: AuditProgress = { stream: 'reading', account_events: rows[rows.length - 1]!.seq, ...(eventId !== undefined && { last_event_id: eventId }) };
        // Progress is for people watching: not after every batch of a fast stream, but the latest
        // one is always written within progressMs (a trailing write, in the chain's order).
        if (forceProgress || lastProgress === undefined || nowMs() - lastProgress >= progressMs) {
          await recordProgress(value);
          return;
        }
        latest = value;
        if (progressTimer === undefined) {
          progressTimer = setTimeout(() => {
            progressTimer = undefined;
            writing = writing.then(() => (latest === undefined ? undefined : recordProgress(latest)));
            writing.catch(() => undefined);
          }, Math.max(0, progressMs - (nowMs() - lastProgress)));
          progressTimer.unref();
        }
      };

      /**
       * Queues the buffered rows behind the write in flight and resolves when that earlier write
       * is done: the reader waits (backpressure) while one batch is written and one is queued.
       * A failed write fails every later one (the chain rejects), so stored rows stay contiguous.
       */
      const startWrite = (forceProgress = false): Promise<void> => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        lastFlush = nowMs();
        if (buffer.length === 0) return writing;
        const rows = buffer;
        const eventId = lastEventId;
        buffer = [];
        const previous = writing;
        writing = previous.then(() => write(rows, eventId, forceProgress));
        // Surfaced at the next await of the chain, never as an unhandled rejection.
        writing.catch(() => undefined);
        return previous;
      };

      return {
        // Not `async`: an event that only joins the buffer costs the reader no microtask.
        onAccount(event) {
          seq += 1;
          buffer.push(auditRow(event, seq));
          lastEventId = event.id;
          if (buffer.length >= batchSize || nowMs() - lastFlush >= flushMs) return startWrite();
          // A stream that pauses still gets its buffered rows (and progress) written.
          if (timer === undefined) {
            timer = setTimeout(() => void startWrite(true), flushMs);
            timer.unref();
          }
          return undefined;
        },
        async flush() {
          if (progressTimer) clearTimeout(progressTimer);
          progressTimer = undefined;
          await startWrite(true);
          await writing;
        },
      };
    },
  };
}
