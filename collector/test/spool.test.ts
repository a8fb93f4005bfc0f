import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeadLetterFile } from '../src/spool/dead-letter';
import { SpoolLockedError } from '../src/spool/lock';
import { decodeRecord, encodeRecord } from '../src/spool/record';
import { SpoolFullError, openSpool, type Spool } from '../src/spool/spool';
import { eventToRow } from '../src/storage/event-row';
import { makeEvent, tempDir } from './helpers';

const dirs: ReturnType<typeof tempDir>[] = [];
const spools: Spool[] = [];
afterEach(async () => {
  for (const s of spools.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) d.remove();
});

async function open(options: { maxBytes?: number; segmentBytes?: number; dir?: string } = {}) {
  let dir = options.dir;
  if (!dir) {
    const d = tempDir();
    dirs.push(d);
    dir = d.spool;
  }
  const spool = await openSpool({ dir, maxBytes: options.maxBytes ?? 1024 ** 3, ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}) });
  spools.push(spool);
  return spool;
}

const rows = (n: number, session = 's') => Array.from({ length: n }, () => eventToRow(makeEvent('track', { session_id: session })));

/** Everything the spool holds, replayed to the end in steps of `maxRows`. */
async function drain(spool: Spool, maxRows = 1_000_000) {
  const out: { ids: string[]; corrupt: string[] } = { ids: [], corrupt: [] };
  for (;;) {
    const batch = await spool.read(maxRows);
    if (!batch) return out;
    out.ids.push(...batch.rows.map((r) => r.event_id));
    out.corrupt.push(...batch.corrupt.map((c) => c.reason));
    await spool.commit(batch);
  }
}

const segments = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('segment-')).sort();

describe('spool records', () => {
  it('round-trip rows and refuse a damaged or truncated line', () => {
    const r = rows(3);
    const line = encodeRecord(r, 1234);
    expect(line.at(-1)).toBe(0x0a);
    const body = line.subarray(0, -1);
    expect(decodeRecord(body)).toEqual({ ok: true, at: 1234, rows: r });
    const damaged = Buffer.from(body);
    damaged[damaged.length - 20]! ^= 0x01;
    expect(decodeRecord(damaged)).toEqual({ ok: false, reason: 'spool record failed its CRC-32 check' });
    expect(decodeRecord(body.subarray(0, body.length - 5))).toMatchObject({ ok: false });
    expect(decodeRecord(Buffer.from('garbage'))).toEqual({ ok: false, reason: 'spool record has no valid header' });
  });
});

describe('spool', () => {
  it('keeps appended records in order across reads, commits and a reopen', async () => {
    const spool = await open();
    const a = rows(3);
    const b = rows(2);
    const c = rows(4);
    for (const r of [a, b, c]) await spool.append(r);
    expect(spool.stats()).toMatchObject({ records: 3, rows: 9 });
    expect(spool.stats().oldestAt).toBeGreaterThan(Date.now() - 60_000);

    // Whole records only, stopping before the record that would pass maxRows.
    const first = (await spool.read(4))!;
    expect(first.rows.map((r) => r.event_id)).toEqual(a.map((r) => r.event_id));
    // Reading again without a commit starts at the same place.
    expect((await spool.read(4))!.rows.length).toBe(3);
    await spool.commit(first);
    expect(spool.stats()).toMatchObject({ records: 2, rows: 6 });

    await spool.close();
    const again = await open({ dir: spool.dir });
    expect(again.stats()).toMatchObject({ records: 2, rows: 6 });
    expect((await drain(again)).ids).toEqual([...b, ...c].map((r) => r.event_id));
    expect(again.empty).toBe(true);
    expect(again.stats()).toMatchObject({ bytes: 0, records: 0, rows: 0 });
  });

  it('rolls segments over and deletes them once replayed, leaving no files when drained', async () => {
    const spool = await open({ segmentBytes: 2000 });
    const all = [];
    for (let i = 0; i < 10; i++) {
      const r = rows(3);
      all.push(...r);
      await spool.append(r);
    }
    expect(segments(spool.dir).length).toBeGreaterThan(2);
    expect((await drain(spool, 5)).ids).toEqual(all.map((r) => r.event_id));
    expect(segments(spool.dir)).toEqual([]);
    // The next record starts a fresh segment after the cursor.
    const more = rows(1);
    await spool.append(more);
    expect(segments(spool.dir)).toHaveLength(1);
    expect((await drain(spool)).ids).toEqual(more.map((r) => r.event_id));
  });

  it('cuts off a record torn by a crash and keeps everything before it', async () => {
    const spool = await open();
    const kept = rows(2);
    await spool.append(kept);
    await spool.close();
    const [seg] = segments(spool.dir);
    const path = join(spool.dir, seg!);
    const size = statSync(path).size;
    // A crash in the middle of an append leaves part of a record and no newline.
    appendFileSync(path, encodeRecord(rows(5), Date.now()).subarray(0, 100));

    const reopened = await open({ dir: spool.dir });
    expect(statSync(path).size).toBe(size);
    expect(reopened.stats()).toMatchObject({ records: 1, rows: 2 });
    expect((await drain(reopened)).ids).toEqual(kept.map((r) => r.event_id));
  });

  it('sets a damaged record aside and replays the records after it', async () => {
    const spool = await open();
    const [a, b, c] = [rows(1), rows(1), rows(1)];
    for (const r of [a, b, c]) await spool.append(r);
    await spool.close();
    const path = join(spool.dir, segments(spool.dir)[0]!);
    const bytes = readFileSync(path);
    const second = bytes.indexOf(0x0a) + 1;
    bytes[second + 80]! ^= 0x20; // inside the second record's data
    writeFileSync(path, bytes);

    const reopened = await open({ dir: spool.dir });
    const out = await drain(reopened);
    expect(out.ids).toEqual([...a, ...c].map((r) => r.event_id));
    expect(out.corrupt).toEqual(['spool record failed its CRC-32 check']);
  });

  it('refuses a record beyond maxBytes, but always takes one into an empty spool', async () => {
    const spool = await open({ maxBytes: 1024 * 1024 });
    await spool.append(rows(8000)); // larger than maxBytes on its own
    expect(spool.stats().bytes).toBeGreaterThan(1024 * 1024);
    await expect(spool.append(rows(1))).rejects.toBeInstanceOf(SpoolFullError);
    await drain(spool);
    await spool.append(rows(1));
  });

  it('belongs to one process at a time', async () => {
    const spool = await open();
    // This process holds the lock; a lock naming another live process is refused.
    await spool.close();
    writeFileSync(join(spool.dir, 'spool.lock'), `${process.ppid}\n`);
    await expect(openSpool({ dir: spool.dir, maxBytes: 1024 ** 2 })).rejects.toBeInstanceOf(SpoolLockedError);
    // One naming a process that is gone (SIGKILL) is taken over.
    writeFileSync(join(spool.dir, 'spool.lock'), '999999999\n');
    await open({ dir: spool.dir });
  });
});

describe('dead-letter file', () => {
  it('appends one JSON line per entry with the time and reason', async () => {
    const d = tempDir();
    dirs.push(d);
    const dl = await openDeadLetterFile(d.path);
    const [row] = rows(1);
    await dl.add([{ reason: 'Cannot parse UUID', row: row! }, { reason: 'bad record', record: 'xyz' }]);
    await dl.close();
    const lines = readFileSync(dl.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { at: expect.any(String), reason: 'Cannot parse UUID', row },
      { at: expect.any(String), reason: 'bad record', record: 'xyz' },
    ]);
    expect(dl.count).toBe(2);
  });
});
