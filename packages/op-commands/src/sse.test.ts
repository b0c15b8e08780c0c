import { parseEventStream, readCommandStream, type ServerSentEvent } from './sse.js';

function streamOf(...chunks: string[]): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  return (async function* () {
    for (const chunk of chunks) yield encoder.encode(chunk);
  })();
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(body)) events.push(event);
  return events;
}

describe('parseEventStream', () => {
  it('handles every line ending, split chunks, comments and multi-line data', async () => {
    const events = await collect(streamOf(': hi\r\nid: 1\revent: a\ndata: {"x"', ':1}\r\n\r\nid: 2\ndata: one\ndata: two\n\n', 'data: cut'));
    expect(events).toEqual([
      { id: '1', event: 'a', data: '{"x":1}' },
      { id: '2', event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('keeps a \\r\\n split across chunks as one line ending', async () => {
    const events = await collect(streamOf('id: 1\r', '\nevent: x\r', '\ndata: {}\r\n\r\n'));
    expect(events).toEqual([{ id: '1', event: 'x', data: '{}' }]);
  });
});

const complete = (n: number, id = 'c') => `id: ${id}\nevent: command-complete\ndata: {"total_accounts":${n}}\n\n`;
const account = (id: string, sub: string) => `id: ${id}\nevent: account-state\ndata: {"sub":"${sub}","account_state":"active"}\n\n`;

describe('readCommandStream', () => {
  it('accepts a well-formed stream and hands each account over', async () => {
    const subs: string[] = [];
    const result = await readCommandStream(streamOf(account('1', 'a'), account('2', 'b'), complete(2)), { onAccount: (e) => void subs.push(e.sub) });
    expect(result).toEqual({ complete: true, accountEvents: 2, totalAccounts: 2, lastEventId: 'c' });
    expect(subs).toEqual(['a', 'b']);
  });

  it('accepts an empty tenant: a lone command-complete with 0', async () => {
    expect(await readCommandStream(streamOf(complete(0)))).toMatchObject({ complete: true, accountEvents: 0, totalAccounts: 0 });
  });

  it.each([
    ['no command-complete', [account('1', 'a')], 'ended without command-complete'],
    ['a wrong count', [account('1', 'a'), complete(2)], 'counts 2'],
    ['an error event', [account('1', 'a'), 'id: e\nevent: error\ndata: {"error_description":"db down"}\n\n'], 'db down'],
    ['an event without id', ['event: account-state\ndata: {"sub":"a","account_state":"active"}\n\n'], 'without an id'],
    ['non-JSON data', ['id: 1\nevent: account-state\ndata: nope\n\n'], 'not JSON'],
    ['account-state without sub', ['id: 1\nevent: account-state\ndata: {"account_state":"active"}\n\n'], 'needs sub'],
    ['an unknown event', ['id: 1\nevent: hello\ndata: {}\n\n'], 'unknown event type'],
  ])('marks %s as incomplete', async (_name, chunks, message) => {
    const result = await readCommandStream(streamOf(...chunks));
    expect(result.complete).toBe(false);
    expect(result.error).toContain(message);
  });

  it('remembers the last event id for a resume, and counts events from before it', async () => {
    const first = await readCommandStream(streamOf(account('1', 'a'), account('2', 'b')));
    expect(first).toMatchObject({ complete: false, accountEvents: 2, lastEventId: '2' });
    const resumed = await readCommandStream(streamOf(account('3', 'c'), complete(3)), { alreadySeen: first.accountEvents, lastEventId: first.lastEventId });
    expect(resumed).toMatchObject({ complete: true, accountEvents: 3, totalAccounts: 3 });
  });

  it('reports a broken connection as incomplete', async () => {
    const broken = (async function* () {
      yield new TextEncoder().encode(account('1', 'a'));
      throw new Error('socket hang up');
    })();
    expect(await readCommandStream(broken)).toMatchObject({ complete: false, accountEvents: 1, error: expect.stringContaining('socket hang up') });
  });
});
