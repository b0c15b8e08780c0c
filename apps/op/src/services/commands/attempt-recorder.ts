import type { AttemptResult, CommandDeliveryRepository } from '../../repositories/command-delivery-repository.js';

/** Records attempt results, many in one statement. */
export interface AttemptRecorder {
  /** Resolves once the result is written: true when recorded, false when fenced off. */
  record(id: string, attempt: number, result: AttemptResult): Promise<boolean>;
}

interface Pending {
  id: string;
  attempt: number;
  result: AttemptResult;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Groups the results of concurrent deliveries into one fenced UPDATE (`recordAttempts`): a
 * result waits at most `delayMs` (default 2 ms) or until `maxBatch` (default 32) are queued. A
 * fan-out of thousands of commands then costs one statement per batch, not one per command.
 *
 * @example
 * const recorder = createAttemptRecorder(repos.commandDeliveries);
 * await recorder.record(row.id, row.attempts, { status: 'succeeded', now });
 */
export function createAttemptRecorder(
  deliveries: Pick<CommandDeliveryRepository, 'recordAttempts'>,
  options: { maxBatch?: number; delayMs?: number } = {},
): AttemptRecorder {
  const maxBatch = options.maxBatch ?? 32;
  const delayMs = options.delayMs ?? 2;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      const recorded = await deliveries.recordAttempts(batch);
      for (const entry of batch) entry.resolve(recorded.has(entry.id));
    } catch (err) {
      for (const entry of batch) entry.reject(err);
    }
  }

  return {
    record(id, attempt, result) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ id, attempt, result, resolve, reject });
        if (queue.length >= maxBatch) void flush();
        else timer ??= setTimeout(() => void flush(), delayMs);
      });
    },
  };
}
