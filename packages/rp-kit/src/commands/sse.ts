/** The part of a Node `ServerResponse` (or any Writable) an SSE stream writes to. */
export interface EventSink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
  /** True once the connection is gone (a Node `ServerResponse` has it): waiting would hang. */
  readonly destroyed?: boolean;
}

/**
 * Event data that is already serialised as one-line JSON (e.g. built by the database), written
 * as is instead of through `JSON.stringify`. The text must be valid JSON; a line break is refused
 * because it would end the `data:` field and let the rest forge SSE fields.
 *
 * @example
 * ```ts
 * formatEvent({ id: '1', event: 'account-state', data: new RawJson('{"sub":"a","account_state":"active"}') });
 * ```
 */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    if (/[\r\n]/.test(text)) throw new TypeError('raw JSON event data must be a single line');
    this.text = text;
  }
}

/** One Server-Sent Event: `data` is serialised as compact one-line JSON (or written as is, for {@link RawJson}). */
export interface ServerSentEvent {
  id: string;
  event: string;
  data: unknown;
}

/** Formats one event: `id:`, `event:` and a single `data:` line, then a blank line. */
export function formatEvent({ id, event, data }: ServerSentEvent): string {
  if (/[\r\n]/.test(id) || /[\r\n]/.test(event)) throw new TypeError('SSE id and event must be single-line');
  // JSON.stringify never emits raw line breaks (they are escaped inside strings), so one line.
  return `id: ${id}\nevent: ${event}\ndata: ${data instanceof RawJson ? data.text : JSON.stringify(data)}\n\n`;
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
  await drained(sink);
}

/** Options of {@link SseBatchWriter}. */
export interface SseBatchWriterOptions {
  /** Flush once this many bytes (UTF-16 code units, close enough) are buffered. Default 64 KiB. */
  maxBufferBytes?: number;
  /** Flush at the next event once the oldest buffered event is this old, ms. Default 200. */
  maxDelayMs?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * Writes SSE events in batches: events are formatted into one buffer and handed to the sink
 * as a single chunk once `maxBufferBytes` are buffered (or the oldest is `maxDelayMs` old), so
 * a million-account stream makes a few thousand `write` calls instead of a million. When the
 * sink's buffer is full the returned promise waits for `drain` (backpressure), so memory is
 * bounded by one batch plus the socket's high-water mark whatever the stream's length. Call
 * {@link SseBatchWriter.flush} before ending the response.
 *
 * @example
 * ```ts
 * const writer = new SseBatchWriter(res);
 * for await (const item of runTenantCommand('audit_tenant', ctx, store)) {
 *   await writer.write({ id: String(++n), event: item.event, data: item.data });
 * }
 * await writer.flush();
 * res.end();
 * ```
 */
export class SseBatchWriter {
  readonly #sink: EventSink;
  readonly #maxBytes: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  #buffer = '';
  #since = 0;

  constructor(sink: EventSink, { maxBufferBytes = 65_536, maxDelayMs = 200, now = Date.now }: SseBatchWriterOptions = {}) {
    this.#sink = sink;
    this.#maxBytes = maxBufferBytes;
    this.#maxDelayMs = maxDelayMs;
    this.#now = now;
  }

  /** Buffers one event; resolves at once unless a flush had to wait for `drain`. */
  write(event: ServerSentEvent): Promise<void> | undefined {
    if (this.#buffer === '') this.#since = this.#now();
    this.#buffer += formatEvent(event);
    if (this.#buffer.length >= this.#maxBytes || this.#now() - this.#since >= this.#maxDelayMs) return this.flush();
    return undefined;
  }

  /** Hands the buffer to the sink, waiting for `drain` if the sink is full. */
  async flush(): Promise<void> {
    if (this.#buffer === '') return;
    const chunk = this.#buffer;
    this.#buffer = '';
    if (this.#sink.write(chunk)) return;
    await drained(this.#sink);
  }
}

function drained(sink: EventSink): Promise<void> {
  if (sink.destroyed === true) return Promise.reject(new Error('stream closed before drain'));
  return new Promise<void>((resolve, reject) => {
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
