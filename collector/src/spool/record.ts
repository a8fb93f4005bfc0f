import { crc32 } from 'node:zlib';
import type { EventRow } from '../storage/event-row';

/**
 * One spool record: the rows of one insert, as one line of JSON with a CRC-32 of its data,
 *
 *   {"crc":1234567890,"at":1767225600000,"rows":2,"data":[{…},{…}]}\n
 *
 * so a record torn by a crash or damaged on disk is recognised instead of replayed as
 * garbage. JSON never contains a raw newline, so records can always be found again by
 * their line ends, even after a damaged one.
 */

const HEADER = /^\{"crc":(\d{1,10}),"at":(\d{1,16}),"rows":(\d{1,10}),"data":/;
const NEWLINE = 0x0a;

/** A record read back: its rows and when it was spooled, or why it cannot be used. */
export type DecodedRecord =
  | { ok: true; at: number; rows: EventRow[] }
  | { ok: false; reason: string };

/**
 * Encodes rows as one record line (with its trailing newline).
 *
 * @example await file.write(encodeRecord(rows, Date.now()))
 */
export function encodeRecord(rows: readonly EventRow[], at: number): Buffer {
  const data = Buffer.from(JSON.stringify(rows));
  const head = Buffer.from(`{"crc":${crc32(data)},"at":${at},"rows":${rows.length},"data":`);
  return Buffer.concat([head, data, Buffer.from('}\n')]);
}

/** The header of a record line (no CRC check): enough to count rows and age. */
export function peekRecord(line: Buffer): { at: number; rows: number } | null {
  const m = HEADER.exec(line.subarray(0, 96).toString('latin1'));
  return m ? { at: Number(m[2]), rows: Number(m[3]) } : null;
}

/**
 * Decodes one record line, without its newline, checking the CRC before parsing.
 */
export function decodeRecord(line: Buffer): DecodedRecord {
  const m = HEADER.exec(line.subarray(0, 96).toString('latin1'));
  if (!m) return { ok: false, reason: 'spool record has no valid header' };
  if (line[line.length - 1] !== 0x7d) return { ok: false, reason: 'spool record is truncated' };
  const data = line.subarray(m[0].length, line.length - 1);
  if (crc32(data) !== Number(m[1])) return { ok: false, reason: 'spool record failed its CRC-32 check' };
  let rows: unknown;
  try {
    rows = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, reason: 'spool record data is not JSON' };
  }
  if (!Array.isArray(rows) || rows.length !== Number(m[3])) return { ok: false, reason: 'spool record row count does not match' };
  return { ok: true, at: Number(m[2]), rows: rows as EventRow[] };
}

/** Splits a buffer into complete lines (without newlines) and the offset after the last one. */
export function splitLines(buf: Buffer): { lines: Buffer[]; consumed: number } {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = buf.indexOf(NEWLINE, start);
    if (end < 0) break;
    lines.push(buf.subarray(start, end));
    start = end + 1;
  }
  return { lines, consumed: start };
}
