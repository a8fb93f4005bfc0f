import { open, readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { peekRecord, splitLines } from './record';

/** A position in the spool: a segment and a byte offset in it. */
export interface Position {
  seq: number;
  offset: number;
}

/** What is known of a waiting record without decoding it. */
export interface RecordMeta {
  at: number;
  rows: number;
  bytes: number;
}

const NAME = /^segment-(\d{20})\.jsonl$/;

/** The file name of segment `seq`: zero-padded so a directory listing sorts in order. */
export function segmentName(seq: number): string {
  return `segment-${String(seq).padStart(20, '0')}.jsonl`;
}

/** Sequence numbers of the segment files in `dir`, oldest first. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names.flatMap((n) => {
    const m = NAME.exec(n);
    return m ? [Number(m[1])] : [];
  }).sort((a, b) => a - b);
}

/** Reads `length` bytes at `offset` of a file (fewer at its end). */
export async function readAt(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

const SCAN_CHUNK = 8 * 1024 * 1024;

/**
 * Lists the records of one segment from `from` to its end by their headers, for the
 * spool's counters. When `repairTail` is set (the newest segment), bytes after the last
 * complete line, an append cut short by a crash and so never acknowledged, are cut off.
 *
 * @returns the records and the segment's size after any repair
 */
export async function scanSegment(dir: string, seq: number, from: number, repairTail: boolean): Promise<{ records: RecordMeta[]; size: number }> {
  const path = join(dir, segmentName(seq));
  const fh = await open(path, 'r');
  const records: RecordMeta[] = [];
  let offset = from;
  let carry = Buffer.alloc(0);
  let size: number;
  try {
    size = (await fh.stat()).size;
    while (offset + carry.length < size) {
      const chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, size - offset - carry.length));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, offset + carry.length);
      if (bytesRead === 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const { lines, consumed } = splitLines(buf);
      for (const line of lines) {
        // A line whose header is damaged still counts: the replay sets it aside as corrupt.
        const head = peekRecord(line) ?? { at: 0, rows: 0 };
        records.push({ ...head, bytes: line.length + 1 });
      }
      offset += consumed;
      carry = Buffer.from(buf.subarray(consumed));
    }
  } finally {
    await fh.close();
  }
  if (carry.length > 0) {
    if (repairTail) {
      await truncate(path, offset);
      size = offset;
    } else {
      // An older segment ends in a partial line only if the disk damaged it; the replay
      // reports those bytes as one corrupt record.
      records.push({ at: 0, rows: 0, bytes: carry.length });
    }
  }
  return { records, size };
}
