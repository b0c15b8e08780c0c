import { EventEmitter } from 'node:events';

import { RawJson, SseBatchWriter, formatEvent, writeEvent } from './sse.js';

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

describe('SseBatchWriter', () => {
  it('buffers events into one chunk until the byte limit, then flushes the rest on demand', async () => {
    const sink = new FakeSink(false);
    const writer = new SseBatchWriter(sink, { maxBufferBytes: 100, now: () => 0 });
    const event = (n: number) => ({ id: String(n), event: 'account-state', data: { sub: `s${n}`, account_state: 'active' } });
    expect(writer.write(event(1))).toBeUndefined();
    expect(sink.chunks).toEqual([]);
    await writer.write(event(2)); // over 100 bytes: both go out as one chunk
    expect(sink.chunks).toEqual([formatEvent(event(1)) + formatEvent(event(2))]);
    expect(writer.write(event(3))).toBeUndefined();
    await writer.flush();
    await writer.flush(); // nothing left: no empty write
    expect(sink.chunks).toEqual([formatEvent(event(1)) + formatEvent(event(2)), formatEvent(event(3))]);
  });

  it('flushes once the oldest buffered event is maxDelayMs old', async () => {
    const sink = new FakeSink(false);
    let clock = 1000;
    const writer = new SseBatchWriter(sink, { maxDelayMs: 200, now: () => clock });
    expect(writer.write({ id: '1', event: 'e', data: 1 })).toBeUndefined();
    clock += 250;
    await writer.write({ id: '2', event: 'e', data: 2 });
    expect(sink.chunks).toHaveLength(1);
  });

  it('waits for drain when the sink is full (backpressure), and rejects on close', async () => {
    const sink = new FakeSink(true);
    const writer = new SseBatchWriter(sink, { maxBufferBytes: 1 });
    let done = false;
    const pending = writer.write({ id: '1', event: 'e', data: 1 })?.then(() => {
      done = true;
    });
    expect(pending).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    sink.emit('drain');
    await pending;
    expect(done).toBe(true);
    const second = writer.write({ id: '2', event: 'e', data: 2 });
    sink.emit('close');
    await expect(second).rejects.toThrow('closed');
  });

  it('does not wait on a destroyed sink', async () => {
    const sink = Object.assign(new FakeSink(true), { destroyed: true });
    await expect(new SseBatchWriter(sink, { maxBufferBytes: 1 }).write({ id: '1', event: 'e', data: 1 })).rejects.toThrow('closed');
  });
});

it('writes RawJson data as is, and refuses a line break in it', () => {
  expect(formatEvent({ id: '7', event: 'account-state', data: new RawJson('{"sub": "a", "account_state": "active"}') })).toBe(
    'id: 7\nevent: account-state\ndata: {"sub": "a", "account_state": "active"}\n\n',
  );
  expect(() => new RawJson('{"sub":"a"}\nevent: forged')).toThrow(TypeError);
  expect(() => new RawJson('{"sub":"a"}\r')).toThrow(TypeError);
});
