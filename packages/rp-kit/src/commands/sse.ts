/** The part of a Node `ServerResponse` (or any Writable) an SSE stream writes to. */
export interface EventSink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
}

/** One Server-Sent Event: `data` is serialised as compact one-line JSON. */
export interface ServerSentEvent {
  id: string;
  event: string;
  data: unknown;
}

/** Formats one event: `id:`, `event:` and a single `data:` line, then a blank line. */
export function formatEvent({ id, event, data }: ServerSentEvent): string {
  if (/[\r\n]/.test(id) || /[\r\n]/.test(event)) throw new TypeError('SSE id and event must be single-line');
  // JSON.stringify never emits raw line breaks (they are escaped inside strings), so one line.
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Writes one event and, when the sink's buffer is full (`write` returned `false`), waits for
 * `drain` before resolving, so a producer that awaits each call never buffers more than one
 * chunk. Rejects if the connection closes while waiting.
 *
 * @example
 * ```ts
 * for await (const account of store.listByTenant(ctx)) {
 *   await writeEvent(res, { id: String(n++), event: 'account-state', data: { sub: account.sub, account_state: account.state } });
 * }
 * ```
 */
export async function writeEvent(sink: EventSink, event: ServerSentEvent): Promise<void> {
  if (sink.write(formatEvent(event))) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      sink.removeListener('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      sink.removeListener('drain', onDrain);
      reject(new Error('stream closed before drain'));
    };
    sink.once('drain', onDrain);
    sink.once('close', onClose);
  });
}
