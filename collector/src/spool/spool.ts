import { mkdir, open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventRow } from '../storage/event-row';
import { syncDirectory, writeFileAtomic } from './durable-file';
import { lockDirectory } from './lock';
import { decodeRecord, encodeRecord, splitLines } from './record';
import { listSegments, readAt, scanSegment, segmentName, type Position, type RecordMeta } from './segments';

/**
 * The disk spool: rows that are acknowledged but not yet in ClickHouse wait here, in
 * order, until the replayer writes them. Records are appended to numbered segment files
 * and fsynced before `append` resolves; `cursor.json` (replaced atomically) says how far
 * the replay got, and segments wholly behind it are deleted.
 *
 * One process owns a spool directory (`spool.lock`). Only one replayer reads it: `read`
 * always starts at the cursor, and nothing moves until `commit`.
 */

export interface SpoolOptions {
  dir: string;
  /** `append` refuses a record that would take the waiting bytes past this. */
  maxBytes: number;
  /** A new segment is started once the newest is this large. @default 64 MiB */
  segmentBytes?: number;
}

/** What waits in the spool. */
export interface SpoolStats {
  bytes: number;
  records: number;
  rows: number;
  segments: number;
  /** When the oldest waiting record was spooled (epoch ms). */
  oldestAt?: number;
}

/** Records read from the cursor on, for one replay step. */
export interface SpoolBatch {
  rows: EventRow[];
  /** Records covered (including corrupt ones), for the counters. */
  records: number;
  /** Lines that failed their checks: to be dead-lettered, never replayed. */
  corrupt: { reason: string; raw: Buffer }[];
  /** Where the cursor goes once this batch is written. */
  end: Position;
}

export interface Spool {
  /** Appends rows as one record; resolves once it is fsynced. Throws SpoolFullError. */
  append(rows: readonly EventRow[]): Promise<void>;
  /** Reads whole records from the cursor, up to `maxRows` rows (at least one record). */
  read(maxRows: number): Promise<SpoolBatch | null>;
  /** Moves the cursor past a batch from `read`, durably, and deletes finished segments. */
  commit(batch: SpoolBatch): Promise<void>;
  stats(): SpoolStats;
  readonly empty: boolean;
  /** An append was refused for lack of room, and no replay has freed any since. */
  readonly full: boolean;
  readonly dir: string;
  close(): Promise<void>;
}

/** The spool would pass `LIFELINE_SPOOL_MAX_BYTES`. */
export class SpoolFullError extends Error {
  override name = 'SpoolFullError';
}

const CURSOR = 'cursor.json';
const READ_CHUNK = 16 * 1024 * 1024;

/**
 * Opens (creating if needed) and locks a spool directory, repairs a record torn by a
 * crash at its end, and counts what waits.
 *
 * @example const spool = await openSpool({ dir: '.data/spool', maxBytes: 1024 ** 3 })
 */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const { dir, maxBytes } = options;
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  await mkdir(dir, { recursive: true });
  const unlock = lockDirectory(dir);
  try {
    let seqs = await listSegments(dir);
    let cursor = await readCursor(dir, seqs[0] ?? 1);
    // Segments behind the cursor were finished but not yet deleted when the process stopped.
    for (const seq of seqs.filter((s) => s < cursor.seq)) await unlink(join(dir, segmentName(seq)));
    seqs = seqs.filter((s) => s >= cursor.seq);
    if (seqs.length > 0 && seqs[0]! > cursor.seq) cursor = { seq: seqs[0]!, offset: 0 };

    const segments: { seq: number; size: number }[] = [];
    const waiting: RecordMeta[] = [];
    for (const [i, seq] of seqs.entries()) {
      const from = seq === cursor.seq ? cursor.offset : 0;
      const scan = await scanSegment(dir, seq, from, i === seqs.length - 1);
      segments.push({ seq, size: scan.size });
      waiting.push(...scan.records);
    }
    return createSpool({ dir, maxBytes, segmentBytes, segments, cursor, waiting, unlock });
  } catch (err) {
    unlock();
    throw err;
  }
}

async function readCursor(dir: string, fallbackSeq: number): Promise<Position> {
  try {
    const c = JSON.parse(await readFile(join(dir, CURSOR), 'utf8')) as Partial<Position>;
    if (Number.isSafeInteger(c.seq) && Number.isSafeInteger(c.offset) && c.seq! > 0 && c.offset! >= 0) {
      return { seq: c.seq!, offset: c.offset! };
    }
  } catch {
    // No cursor yet (or a damaged one): replay everything there is. Replays are idempotent.
  }
  return { seq: fallbackSeq, offset: 0 };
}

interface SpoolState {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  /** Durable size of each segment at or after the cursor, oldest first. */
  segments: { seq: number; size: number }[];
  cursor: Position;
  /** The records after the cursor, oldest first. */
  waiting: RecordMeta[];
  unlock: () => void;
}

function createSpool(s: SpoolState): Spool {
  let active: { seq: number; fh: FileHandle } | null = null;
  // Appends and commits change files and the cursor; they run one at a time, in order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };
  let head = 0;
  let waitingBytes = s.waiting.reduce((n, r) => n + r.bytes, 0);
  let waitingRows = s.waiting.reduce((n, r) => n + r.rows, 0);
  let closed = false;
  let full = false;
  const path = (seq: number) => join(s.dir, segmentName(seq));

  async function activeSegment(): Promise<{ seq: number; fh: FileHandle; size: number }> {
    const last = s.segments[s.segments.length - 1];
    if (last && last.size < s.segmentBytes) {
      if (active?.seq !== last.seq) {
        await active?.fh.close();
        active = { seq: last.seq, fh: await open(path(last.seq), 'r+') };
      }
      return { ...active, size: last.size };
    }
    await active?.fh.close();
    active = null;
    const seq = last ? last.seq + 1 : s.cursor.seq;
    const fh = await open(path(seq), 'w');
    await syncDirectory(s.dir);
    active = { seq, fh };
    s.segments.push({ seq, size: 0 });
    return { seq, fh, size: 0 };
  }

  async function append(rows: readonly EventRow[]): Promise<void> {
    if (closed) throw new Error('the spool is closed');
    const at = Date.now();
    const record = encodeRecord(rows, at);
    if (waitingBytes > 0 && waitingBytes + record.length > s.maxBytes) {
      full = true;
      throw new SpoolFullError(`spool full (${waitingBytes} of ${s.maxBytes} bytes waiting)`);
    }
    const seg = await activeSegment();
    try {
      // Written at the durable end, not appended: a write that failed half-way is overwritten.
      let done = 0;
      while (done < record.length) {
        const { bytesWritten } = await seg.fh.write(record, done, record.length - done, seg.size + done);
        done += bytesWritten;
      }
      await seg.fh.datasync();
    } catch (err) {
      await seg.fh.truncate(seg.size).catch(() => {});
      throw err;
    }
    s.segments[s.segments.length - 1]!.size += record.length;
    s.waiting.push({ at, rows: rows.length, bytes: record.length });
    waitingBytes += record.length;
    waitingRows += rows.length;
  }

  async function read(maxRows: number): Promise<SpoolBatch | null> {
    const batch: SpoolBatch = { rows: [], records: 0, corrupt: [], end: { ...s.cursor } };
    for (const seg of s.segments) {
      if (seg.seq < batch.end.seq) continue;
      if (seg.seq > batch.end.seq) batch.end = { seq: seg.seq, offset: 0 };
      let chunk = READ_CHUNK;
      while (batch.end.offset < seg.size) {
        const buf = await readAt(path(seg.seq), batch.end.offset, Math.min(chunk, seg.size - batch.end.offset));
        const { lines } = splitLines(buf);
        if (lines.length === 0) {
          if (batch.end.offset + buf.length < seg.size) {
            chunk *= 2; // A record larger than the chunk: read further.
            continue;
          }
          batch.corrupt.push({ reason: 'spool segment ends in a partial record', raw: buf });
          batch.records++;
          batch.end.offset = seg.size;
          break;
        }
        for (const line of lines) {
          const decoded = decodeRecord(line);
          // Whole records only; a batch stops before the record that would pass maxRows.
          if (decoded.ok && batch.rows.length > 0 && batch.rows.length + decoded.rows.length > maxRows) return batch;
          if (decoded.ok) for (const r of decoded.rows) batch.rows.push(r);
          else batch.corrupt.push({ reason: decoded.reason, raw: line });
          batch.records++;
          batch.end = { seq: seg.seq, offset: batch.end.offset + line.length + 1 };
          if (batch.rows.length >= maxRows) return batch;
        }
      }
    }
    const moved = batch.end.seq !== s.cursor.seq || batch.end.offset !== s.cursor.offset;
    return batch.records > 0 || moved ? batch : null;
  }

  async function commit(batch: SpoolBatch): Promise<void> {
    let cursor = batch.end;
    const last = s.segments[s.segments.length - 1];
    // Wholly replayed: drop the newest segment too and start the next append afresh, so a
    // drained spool takes no disk.
    const drained = last !== undefined && cursor.seq === last.seq && cursor.offset >= last.size;
    if (drained) cursor = { seq: last.seq + 1, offset: 0 };
    await writeFileAtomic(join(s.dir, CURSOR), JSON.stringify(cursor));
    s.cursor = cursor;
    for (const seg of s.segments.filter((x) => x.seq < cursor.seq)) {
      if (active?.seq === seg.seq) {
        await active.fh.close();
        active = null;
      }
      await unlink(path(seg.seq)).catch(() => {});
    }
    s.segments = s.segments.filter((x) => x.seq >= cursor.seq);
    if (batch.records > 0) full = false;
    for (let i = 0; i < batch.records && head < s.waiting.length; i++, head++) {
      waitingBytes -= s.waiting[head]!.bytes;
      waitingRows -= s.waiting[head]!.rows;
    }
    if (head > 1024 && head * 2 > s.waiting.length) {
      s.waiting = s.waiting.slice(head);
      head = 0;
    }
    if (drained) await syncDirectory(s.dir);
  }

  return {
    append: (rows) => serial(() => append(rows)),
    read,
    commit: (batch) => serial(() => commit(batch)),
    stats() {
      const oldest = s.waiting[head];
      return {
        bytes: waitingBytes,
        records: s.waiting.length - head,
        rows: waitingRows,
        segments: s.segments.length,
        ...(oldest && oldest.at > 0 ? { oldestAt: oldest.at } : {}),
      };
    },
    get empty() {
      return s.waiting.length - head === 0;
    },
    get full() {
      return full;
    },
    dir: s.dir,
    close: () =>
      serial(async () => {
        if (closed) return;
        closed = true;
        await active?.fh.close();
        active = null;
        s.unlock();
      }),
  };
}
