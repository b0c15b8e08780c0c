import { CommandError } from './errors.js';

/** One Server-Sent Event, as dispatched by the WHATWG event-stream rules. */
export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body incrementally (WHATWG HTML §9.2.6): any line ending,
 * `data` lines joined with `\n`, comments ignored, an event dispatched at each blank line. The
 * whole stream is never held in memory.
 */
export async function* parseEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let event: { id?: string; event?: string; data: string[] } = { data: [] };
  let first = true;

  const lines = function* (final: boolean): Generator<string> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1 && !final) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      yield line;
    }
  };

  function* feed(line: string): Generator<ServerSentEvent> {
    if (first) {
      first = false;
      if (line.startsWith('\ufeff')) line = line.slice(1);
    }
    if (line === '') {
      if (event.data.length > 0 || event.event !== undefined) {
        yield { ...(event.id !== undefined && { id: event.id }), event: event.event ?? 'message', data: event.data.join('\n') };
      }
      event = { data: [] };
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.event = value;
    else if (field === 'id' && !value.includes('\0')) event.id = value;
  }

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) yield* feed(line);
  }
  buffer += decoder.decode();
  for (const line of lines(true)) yield* feed(line);
  // An event not followed by a blank line is discarded (WHATWG): the stream was cut.
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
    for await (const event of parseEventStream(body)) {
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
        await options.onAccount?.({ ...fields, id: event.id } as AccountStateEvent);
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
