import { EventEmitter } from 'node:events';

import { formatEvent, writeEvent } from './sse.js';

class FakeSink extends EventEmitter {
  readonly chunks: string[] = [];
  constructor(private readonly full: boolean) {
    super();
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
}

it('writes id, event and one compact JSON data line', () => {
  expect(formatEvent({ id: '1', event: 'account-state', data: { sub: 'a\nb', account_state: 'active', groups: ['x'] } })).toBe(
    'id: 1\nevent: account-state\ndata: {"sub":"a\\nb","account_state":"active","groups":["x"]}\n\n',
  );
});

it('refuses line breaks in id and event', () => {
  expect(() => formatEvent({ id: '1\n2', event: 'x', data: {} })).toThrow(TypeError);
  expect(() => formatEvent({ id: '1', event: 'x\ry', data: {} })).toThrow(TypeError);
});

it('resolves at once while the sink accepts writes', async () => {
  const sink = new FakeSink(false);
  await writeEvent(sink, { id: '1', event: 'command-complete', data: { total_accounts: 0 } });
  expect(sink.chunks).toEqual(['id: 1\nevent: command-complete\ndata: {"total_accounts":0}\n\n']);
});

it('waits for drain when write returns false', async () => {
  const sink = new FakeSink(true);
  let done = false;
  const pending = writeEvent(sink, { id: '1', event: 'e', data: 1 }).then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  expect(done).toBe(false);
  sink.emit('drain');
  await pending;
  expect(done).toBe(true);
  expect(sink.listenerCount('close')).toBe(0);
});

it('rejects when the connection closes before drain', async () => {
  const sink = new FakeSink(true);
  const pending = writeEvent(sink, { id: '1', event: 'e', data: 1 });
  sink.emit('close');
  await expect(pending).rejects.toThrow('closed');
  expect(sink.listenerCount('drain')).toBe(0);
});
