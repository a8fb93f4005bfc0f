import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatcher, BatcherClosedError, BatcherFullError } from '../src/ingest/batcher';
import { eventToRow, type EventRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import { migrate } from '../src/storage/migrate';
import { openStorage, type Storage } from '../src/storage/open-storage';
import { countRows, makeEvent, tempDir } from './helpers';

const dir = tempDir();
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage({ kind: 'chdb', path: dir.path, database: 'lifeline' });
  await migrate(storage, { retentionDays: 400 });
});
afterAll(async () => {
  await storage?.close();
  dir.remove();
});

const rowsOf = (n: number) => Array.from({ length: n }, () => eventToRow(makeEvent('track')));

/** A write into real chDB that records the size of each insert. */
function recordingWrite(target: () => Storage) {
  const inserts: number[] = [];
  return { inserts, write: async (rows: EventRow[]) => { inserts.push(rows.length); await insertEvents(target(), rows); } };
}

/** A storage whose client refuses every insert, standing in for an unreachable ClickHouse. */
const failingStorage = (): Storage => ({
  ...storage,
  client: { insert: () => Promise.reject(new Error('Connection refused')) } as unknown as Storage['client'],
});

describe('Batcher', () => {
  it('groups concurrent requests into one insert and resolves them after it', async () => {
    const before = await countRows(storage);
    const { inserts, write } = recordingWrite(() => storage);
    const batcher = createBatcher({ write, maxRows: 1000, maxWaitMs: 50 });
    const requests = Array.from({ length: 20 }, () => batcher.add(rowsOf(5)));
    expect(batcher.buffered).toBe(100);
    await Promise.all(requests);
    expect(inserts).toEqual([100]);
    expect(await countRows(storage)).toBe(before + 100);
    expect(batcher.buffered).toBe(0);
  });

  it('writes at maxRows without waiting, never splitting a request', async () => {
    const { inserts, write } = recordingWrite(() => storage);
    const batcher = createBatcher({ write, maxRows: 10, maxWaitMs: 60_000 });
    const started = Date.now();
    await Promise.all([batcher.add(rowsOf(4)), batcher.add(rowsOf(4)), batcher.add(rowsOf(4)), batcher.add(rowsOf(12))]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The third request takes the buffer to 12 ≥ 10, so a write starts at once; a group
    // stops before passing maxRows (8, then 4), and the 12-row request goes whole, alone.
    expect(inserts).toEqual([8, 4, 12]);
  });

  it('fails every waiting request when the insert fails, then recovers', async () => {
    let fail = true;
    const good = recordingWrite(() => storage);
    const batcher = createBatcher<EventRow>({
      write: (rows) => (fail ? insertEvents(failingStorage(), rows) : good.write(rows)),
      maxRows: 1000,
      maxWaitMs: 20,
    });
    const before = await countRows(storage);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => batcher.add(rowsOf(3))));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    expect(results.map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(Array(5).fill('Connection refused'));
    expect(await countRows(storage)).toBe(before);

    fail = false;
    await batcher.add(rowsOf(3));
    expect(good.inserts).toEqual([3]);
    expect(await countRows(storage)).toBe(before + 3);
  });

  it('refuses rows beyond maxBufferedRows but always takes a request into an empty buffer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = createBatcher<number>({ write: () => gate, maxRows: 2, maxWaitMs: 0, maxBufferedRows: 4 });
    const big = batcher.add([1, 2, 3, 4, 5, 6]);
    await expect(batcher.add([7])).rejects.toBeInstanceOf(BatcherFullError);
    release();
    await big;
  });

  it('flushes waiting rows on close and then refuses new ones', async () => {
    const { inserts, write } = recordingWrite(() => storage);
    const batcher = createBatcher({ write, maxRows: 1000, maxWaitMs: 60_000 });
    const pending = batcher.add(rowsOf(7));
    await batcher.close();
    await pending;
    expect(inserts).toEqual([7]);
    await expect(batcher.add(rowsOf(1))).rejects.toBeInstanceOf(BatcherClosedError);
  });
});
