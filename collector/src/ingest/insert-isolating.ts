import type { EventRow } from '../storage/event-row';
import { errorMessage } from '../log';
import { classifyInsertError } from './insert-error';

/** What became of rows handed to `insertIsolating`. */
export interface IsolatedInsert {
  /** Rows ClickHouse refused as malformed, one by one, with its reason. */
  refused: { row: EventRow; reason: string }[];
  /** Rows not written because storage failed; empty when everything else was stored. */
  unwritten: EventRow[];
  /** The storage failure behind `unwritten`. */
  error?: unknown;
  /** Inserts made, for the logs (1 when nothing was refused). */
  inserts: number;
}

/** Longest reason kept per refused row: ClickHouse quotes the input around the error. */
const MAX_REASON = 2000;

/**
 * Inserts rows; when ClickHouse refuses the data, splits the rows in halves and inserts
 * each, recursively, until every bad row is alone. k bad rows among n cost about
 * 2·k·log2(n) inserts, and never hold back the good ones. A storage failure stops the
 * split: the rows not yet written come back in `unwritten` (rows already written by an
 * earlier half are not repeated there, and a repeat would be harmless anyway).
 *
 * @example const r = await insertIsolating(rows, (part) => insertEvents(storage, part))
 */
export async function insertIsolating(rows: EventRow[], insert: (rows: EventRow[]) => Promise<void>): Promise<IsolatedInsert> {
  const result: IsolatedInsert = { refused: [], unwritten: [], inserts: 0 };
  const pending: EventRow[][] = [rows];
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part.length === 0) continue;
    result.inserts++;
    try {
      await insert(part);
    } catch (err) {
      if (classifyInsertError(err) === 'storage') {
        result.error = err;
        result.unwritten = [part, ...pending.reverse()].flat();
        return result;
      }
      if (part.length === 1) {
        result.refused.push({ row: part[0]!, reason: errorMessage(err).slice(0, MAX_REASON) });
        continue;
      }
      const mid = part.length >> 1;
      // Second half pushed first so the first half is tried first, keeping rows in order.
      pending.push(part.slice(mid), part.slice(0, mid));
    }
  }
  return result;
}
