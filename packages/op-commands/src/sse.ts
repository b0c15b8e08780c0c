import { CommandError } from './errors.js';

/** One Server-Sent Event, as dispatched by the WHATWG event-stream rules. */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * The WHATWG event-stream rules (HTML §9.2.6) as a synchronous, incremental parser: `push` takes
 * decoded text and returns the events it completes. Any line ending; `data` lines joined with
 * `\n`; comments ignored; an event dispatched at each blank line; an event not followed by a
 * blank line is never dispatched (the stream was cut). Lines are found by index, never by
 * re-slicing the buffer, so a chunk costs one pass.
 */
class EventStreamParser {
  private buffer = '';
  private first = true;
  private id: string | undefined;
  private type: string | undefined;
  private data: string[] = [];
  private readonly lineEnd = /\r\n|\r|\n/g;

  push(text: string, final = false): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    const buffer = this.buffer + text;
    const lineEnd = this.lineEnd;
    lineEnd.lastIndex = 0;
    let start = 0;
    for (let match = lineEnd.exec(buffer); match !== null; match = lineEnd.exec(buffer)) {
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1 && !final) break;
      this.line(buffer.slice(start, match.index), events);
      start = match.index + match[0].length;
    }
    this.buffer = buffer.slice(start);
    return events;
  }

  private line(text: string, events: ServerSentEvent[]): void {
    let line = text;
    if (this.first) {
      this.first = false;
      if (line.startsWith('\ufeff')) line = line.slice(1);
    }
    if (line === '') {
      if (this.data.length > 0 || this.type !== undefined) {
        events.push({ ...(this.id !== undefined && { id: this.id }), event: this.type ?? 'message', data: this.data.join('\n') });
      }
      // Unlike a browser's EventSource (whose last event id persists), each event keeps only its
      // own id: the command stream requires an id on every event (§6.2), and this shows its absence.
      this.id = undefined;
      this.type = undefined;
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}

/** The events of a `text/event-stream` body, a chunk's worth at a time (never the whole stream). */
async function* eventBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent[]> {
  const decoder = new TextDecoder('utf-8');
  const parser = new EventStreamParser();
  for await (const chunk of body) {
    const events = parser.push(decoder.decode(chunk, { stream: true }));
    if (events.length > 0) yield events;
  }
  const events = parser.push(decoder.decode(), true);
  if (events.length > 0) yield events;
}

/**
 * Parses a `text/event-stream` body incrementally (WHATWG HTML §9.2.6): any line ending,
 * `data` lines joined with `\n`, comments ignored, an event dispatched at each blank line. The
 * whole stream is never held in memory.
 */
export async function* parseEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  for await (const events of eventBatches(body)) yield* events;
}

/** The outcome of reading a command stream (§6.2). */
export interface CommandStreamResult {
  /** `command-complete` arrived last and its `total_accounts` matched the events. */
  complete: boolean;
  accountEvents: number;
  totalAccounts?: number;
  lastEventId?: string;
  /** The RP's `error` event, or our reason for calling the stream incomplete. */
  error?: string;
}

export interface AccountStateEvent {
  id: string;
  sub: string;
  account_state: string;
  [claim: string]: unknown;
}

/**
 * Reads a streaming tenant command's response strictly: every event has an `id` and an
 * `event` of `account-state`, `command-complete` or `error`; every `data` is a JSON object;
 * `account-state` carries `sub` and `account_state`; `command-complete` comes last and its
 * `total_accounts` equals the number of `account-state` events seen (including those before a
 * resume, passed as `alreadySeen`). Anything else marks the stream incomplete, so the caller
 * retries with a fresh token and `Last-Event-Id`.
 *
 * @example
 * const result = await readCommandStream(response.body, { onAccount: (e) => store(e) });
 * if (!result.complete) retryFrom(result.lastEventId);
 */
export async function readCommandStream(
  body: AsyncIterable<Uint8Array>,
  options: { onAccount?: (event: AccountStateEvent) => void | Promise<void>; alreadySeen?: number; lastEventId?: string } = {},
): Promise<CommandStreamResult> {
  let accountEvents = options.alreadySeen ?? 0;
  let lastEventId = options.lastEventId;
  const result = (complete: boolean, extra: Partial<CommandStreamResult> = {}): CommandStreamResult => ({
    complete,
    accountEvents,
    ...(lastEventId !== undefined && { lastEventId }),
    ...extra,
  });
  try {
    for await (const events of eventBatches(body)) for (const event of events) {
      if (event.id === undefined || event.id === '') return result(false, { error: 'an event without an id' });
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return result(false, { error: `event ${event.id}: data is not JSON` });
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return result(false, { error: `event ${event.id}: data is not an object` });
      const fields = data as Record<string, unknown>;
      if (event.event === 'account-state') {
        if (typeof fields.sub !== 'string' || typeof fields.account_state !== 'string') {
          return result(false, { error: `event ${event.id}: account-state needs sub and account_state` });
        }
        // Awaited only when the callback is asynchronous: most events cost no microtask.
        const stored = options.onAccount?.({ ...fields, id: event.id } as AccountStateEvent);
        if (stored !== undefined) await stored;
        accountEvents += 1;
        lastEventId = event.id;
      } else if (event.event === 'command-complete') {
        lastEventId = event.id;
        const total = fields.total_accounts;
        if (typeof total !== 'number') return result(false, { error: 'command-complete without total_accounts' });
        if (total !== accountEvents) return result(false, { totalAccounts: total, error: `command-complete counts ${total}, ${accountEvents} received` });
        // Anything after command-complete would be a protocol error; we stop reading here.
        return result(true, { totalAccounts: total });
      } else if (event.event === 'error') {
        const description = typeof fields.error_description === 'string' ? fields.error_description : 'the RP reported an error';
        return result(false, { error: description });
      } else {
        return result(false, { error: `unknown event type: ${event.event}` });
      }
    }
  } catch (err) {
    if (err instanceof CommandError) throw err;
    return result(false, { error: `the stream broke: ${(err as Error).message}` });
  }
  return result(false, { error: 'the stream ended without command-complete' });
}

export interface OpenStreamOptions {
  commandEndpoint: string;
  token: string;
  lastEventId?: string;
  fetch?: typeof fetch;
  /** Time to the response headers; the stream itself may take as long as it needs. */
  timeoutMs?: number;
}

/** POSTs a streaming command (§6.2 headers) and returns the response, not yet read. */
export async function openCommandStream(options: OpenStreamOptions): Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  try {
    return await doFetch(options.commandEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/event-stream',
        'cache-control': 'no-cache',
        ...(options.lastEventId !== undefined && { 'last-event-id': options.lastEventId }),
      },
      body: new URLSearchParams({ command_token: options.token }).toString(),
      redirect: 'manual',
      signal: controller.signal,
    });
  } catch (err) {
    throw new CommandError('ERR_TRANSPORT', `the stream could not be opened: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
