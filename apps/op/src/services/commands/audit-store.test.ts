import type { AuditAccountRow } from '../../repositories/audit-account-repository.js';
import { auditRow, createAuditStore } from './audit-store.js';

const event = (i: number) => ({ id: `e${i}`, sub: `s${i}`, account_state: 'active', last_access: 1000 + i + 0.5, authentication_provider: 'op', email: `s${i}@x` });

function fakes(options: { failOn?: number } = {}) {
  const inserted: AuditAccountRow[][] = [];
  const progress: object[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const releases: (() => void)[] = [];
  return {
    inserted,
    progress,
    maxInFlight: () => maxInFlight,
    releaseAll: () => releases.splice(0).forEach((r) => r()),
    accounts: {
      clear: jest.fn(() => Promise.resolve()),
      insertBatch: async (_id: string, rows: readonly AuditAccountRow[]) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (options.failOn === inserted.length) throw new Error('database down');
        inserted.push([...rows]);
      },
    },
    deliveries: {
      recordProgress: (_id: string, _attempt: number, value: object) => {
        progress.push(value);
        return Promise.resolve(true);
      },
    },
  };
}

describe('auditRow', () => {
  it('puts the known members in columns and the rest in claims; a non-integer last_access is truncated', () => {
    expect(auditRow(event(1), 7)).toEqual({ seq: 7, sub: 's1', accountState: 'active', lastAccess: 1001, authenticationProvider: 'op', claims: { email: 's1@x' } });
    expect(auditRow({ id: 'x', sub: 's', account_state: 'unknown', last_access: 'soon' }, 1)).toMatchObject({ lastAccess: null, authenticationProvider: null, claims: {} });
  });
});

describe('createAuditStore', () => {
  it('writes in batches, one write at a time, progress in stream order; a fresh start clears old rows', async () => {
    const f = fakes();
    const store = createAuditStore({ accounts: f.accounts, deliveries: f.deliveries, batchSize: 3, flushMs: 60_000, progressMs: 0 });
    const sink = await store.open({ deliveryId: 'd', attempt: 1 });
    expect(f.accounts.clear).toHaveBeenCalledWith('d');
    for (let i = 1; i <= 8; i++) await sink.onAccount(event(i));
    await sink.flush();
    expect(f.inserted.map((rows) => rows.map((r) => r.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
    expect(f.progress).toEqual([
      { stream: 'reading', account_events: 3, last_event_id: 'e3' },
      { stream: 'reading', account_events: 6, last_event_id: 'e6' },
      { stream: 'reading', account_events: 8, last_event_id: 'e8' },
    ]);
    expect(f.maxInFlight()).toBe(1);
  });

  it('writes progress at most every progressMs during a fast stream, and always when the stream ends', async () => {
    const f = fakes();
    let clock = 0;
    const store = createAuditStore({ accounts: f.accounts, deliveries: f.deliveries, batchSize: 2, flushMs: 60_000, progressMs: 1000, nowMs: () => clock });
    const sink = await store.open({ deliveryId: 'd', attempt: 1 });
    for (let i = 1; i <= 6; i++) await sink.onAccount(event(i));
    clock = 1000;
    for (let i = 7; i <= 9; i++) await sink.onAccount(event(i));
    await sink.flush();
    expect(f.inserted.map((rows) => rows.length)).toEqual([2, 2, 2, 2, 1]);
    // The first batch, one more once progressMs has passed, and the end: not one per batch.
    expect(f.progress.map((p) => (p as { account_events: number }).account_events)).toEqual([2, 6, 9]);
  });

  it('continues the numbering of a resumed stream and keeps the rows already stored', async () => {
    const f = fakes();
    const sink = await createAuditStore({ accounts: f.accounts, deliveries: f.deliveries, batchSize: 10 }).open({ deliveryId: 'd', attempt: 2, alreadySeen: 5 });
    await sink.onAccount(event(6));
    await sink.flush();
    expect(f.accounts.clear).not.toHaveBeenCalled();
    expect(f.inserted[0]!.map((r) => r.seq)).toEqual([6]);
  });

  it('fails every later write after a failed one, so stored rows stay contiguous', async () => {
    const f = fakes({ failOn: 1 });
    const sink = await createAuditStore({ accounts: f.accounts, deliveries: f.deliveries, batchSize: 2, flushMs: 60_000 }).open({ deliveryId: 'd', attempt: 1 });
    const feed = async () => {
      for (let i = 1; i <= 8; i++) await sink.onAccount(event(i));
      await sink.flush();
    };
    await expect(feed()).rejects.toThrow('database down');
    expect(f.inserted.map((rows) => rows.map((r) => r.seq))).toEqual([[1, 2]]);
    expect(f.progress).toEqual([{ stream: 'reading', account_events: 2, last_event_id: 'e2' }]);
  });
});
