import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventRow } from '../storage/event-row';

/** One entry: a row storage refused, or a spool record that could not be read back. */
export type DeadLetter =
  | { reason: string; row: EventRow }
  | { reason: string; record: string };

export interface DeadLetterFile {
  /** Appends entries (one JSON line each, with the time) and fsyncs before resolving. */
  add(entries: readonly DeadLetter[]): Promise<void>;
  /** Entries written since this process started. */
  readonly count: number;
  readonly path: string;
  close(): Promise<void>;
}

/** Most of a damaged record kept in the dead-letter file; the rest is noted as cut. */
const MAX_RECORD_CHARS = 1024 * 1024;

/**
 * The dead-letter file, `<spool dir>/dead-letter.jsonl`: rows ClickHouse refused as
 * malformed (with its reason) and spool records that failed their checks. Nothing that
 * was acknowledged is dropped silently; an operator can fix and re-send these lines.
 *
 * @example await deadLetters.add([{ reason: 'Cannot parse UUID', row }])
 */
export async function openDeadLetterFile(dir: string): Promise<DeadLetterFile> {
  const path = join(dir, 'dead-letter.jsonl');
  let fh: FileHandle | null = null;
  let count = 0;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    add(entries) {
      const run = queue.then(async () => {
        if (entries.length === 0) return;
        fh ??= await open(path, 'a');
        const at = new Date().toISOString();
        const text = entries
          .map((e) => JSON.stringify('row' in e ? { at, reason: e.reason, row: e.row } : { at, reason: e.reason, record: cut(e.record) }))
          .join('\n');
        await fh.appendFile(text + '\n');
        await fh.datasync();
        count += entries.length;
      });
      queue = run.catch(() => {});
      return run;
    },
    get count() {
      return count;
    },
    path,
    async close() {
      await queue;
      await fh?.close();
      fh = null;
    },
  };
}

function cut(s: string): string {
  return s.length <= MAX_RECORD_CHARS ? s : `${s.slice(0, MAX_RECORD_CHARS)}… (${s.length - MAX_RECORD_CHARS} more characters cut)`;
}
