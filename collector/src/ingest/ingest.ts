import type { StoredEvent } from '@lifeline/protocol';
import { collectorMetrics } from '../metrics/collector-metrics';
import { openDeadLetterFile, type DeadLetterFile } from '../spool/dead-letter';
import { SpoolFullError, openSpool, type Spool } from '../spool/spool';
import { clockGuard, type ClockGuard } from '../storage/clock-guard';
import { rowMapper, type EventRow } from '../storage/event-row';
import type { Storage } from '../storage/open-storage';
import { silentLogger, type Logger } from '../log';
import { BatcherClosedError, BatcherFullError, createBatcher, type Batcher } from './batcher';
import { insertIsolating } from './insert-isolating';
import { startReplayer, type Replayer } from './replayer';
import { createStorageState, type StorageState } from './storage-state';
import { timedInsert } from './timed-insert';

/** Why new rows are refused right now: answered as 503 with `Retry-After`. */
export interface Refusal {
  code: 'buffer_full' | 'spool_full' | 'shutting_down' | 'unavailable';
  reason: string;
  /** Seconds. */
  retryAfter: number;
}

export interface IngestOptions {
  storage: Storage;
  /** Where acknowledged rows wait while storage is away. */
  spoolDir: string;
  spoolMaxBytes: number;
  retentionDays: number;
  batchMaxRows: number;
  batchMaxWaitMs: number;
  bufferMaxRows: number;
  insertTimeoutMs: number;
  /** False until migrations are applied; until then every batch is spooled. */
  schemaReady: () => boolean;
  /** @default silentLogger */
  log?: Logger;
  /** Wraps the insert (tests inject storage faults here). @default the real, timed insert */
  wrapInsert?: (insert: (rows: EventRow[]) => Promise<void>) => (rows: EventRow[]) => Promise<void>;
}

/** The ingest pipeline: insert buffer → ClickHouse, or the disk spool and its replayer. */
export interface Ingest {
  /**
   * Queues rows; resolves once they are in ClickHouse, fsynced to the spool, or (for rows
   * ClickHouse refuses as malformed) fsynced to the dead-letter file. Rejects with the
   * reason to answer 503.
   */
  add(rows: EventRow[]): Promise<void>;
  /** Why a request would be refused right now, or null; checked before reading a body. */
  refusal(): Refusal | null;
  /** The clock guard rows are built with (from the retention). */
  readonly guard: ClockGuard;
  /** Builds the row of a validated event under `guard`. */
  readonly toRow: (event: StoredEvent) => EventRow;
  readonly batcher: Batcher<EventRow>;
  readonly spool: Spool;
  readonly deadLetters: DeadLetterFile;
  readonly replayer: Replayer;
  readonly state: StorageState;
  readonly bufferMaxRows: number;
  readonly spoolMaxBytes: number;
  /** Writes what waits now (to ClickHouse, or the spool if that fails). */
  flush(): Promise<void>;
  /** Refuses new rows, flushes, stops the replayer and closes the spool. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the spool and dead-letter file and wires the insert buffer, the writer and the
 * replayer. A write goes straight to ClickHouse while storage is up and nothing waits in
 * the spool; otherwise it is appended to the spool (keeping order) and the replayer is
 * woken. An insert that fails for storage reasons spools its rows; rows refused as
 * malformed are isolated and dead-lettered while the rest is stored.
 *
 * @example const ingest = await openIngest({ storage, spoolDir, spoolMaxBytes, …, schemaReady: () => true })
 */
export async function openIngest(o: IngestOptions): Promise<Ingest> {
  const log = o.log ?? silentLogger;
  const spool = await openSpool({ dir: o.spoolDir, maxBytes: o.spoolMaxBytes });
  const deadLetters = await openDeadLetterFile(o.spoolDir);
  const state = createStorageState({ log, up: o.schemaReady() });
  const baseInsert = timedInsert(o.storage, o.insertTimeoutMs);
  const insert = o.wrapInsert ? o.wrapInsert(baseInsert) : baseInsert;
  const replayer = startReplayer({ spool, insert, deadLetters, state, log, maxRows: o.batchMaxRows, ready: o.schemaReady });
  if (!spool.empty) {
    const s = spool.stats();
    log.info('spool holds rows from before; replaying', { rows: s.rows, bytes: s.bytes });
  }

  async function toSpool(rows: EventRow[]) {
    await spool.append(rows);
    replayer.wake();
  }

  async function write(rows: EventRow[]): Promise<void> {
    if (!state.up || !spool.empty || !o.schemaReady()) return toSpool(rows);
    const r = await insertIsolating(rows, insert);
    if (r.refused.length > 0) {
      await deadLetters.add(r.refused);
      log.error('storage refused rows as malformed; moved to the dead-letter file', {
        rows: r.refused.length,
        reason: r.refused[0]!.reason.slice(0, 200),
        file: deadLetters.path,
      });
    }
    if (r.unwritten.length > 0) {
      state.markDown(r.error);
      await toSpool(r.unwritten);
    }
  }

  const batcher = createBatcher<EventRow>({
    write,
    maxRows: o.batchMaxRows,
    maxWaitMs: o.batchMaxWaitMs,
    maxBufferedRows: o.bufferMaxRows,
  });
  collectorMetrics.insertBufferRows.collect(() => batcher.buffered);
  collectorMetrics.spoolBytes.collect(() => spool.stats().bytes);
  collectorMetrics.spoolBatches.collect(() => spool.stats().records);

  let closing = false;
  let closed: Promise<void> | undefined;
  const guard = clockGuard(o.retentionDays);

  return {
    add: (rows) => batcher.add(rows),
    refusal() {
      if (closing) return { code: 'shutting_down', reason: 'collector is shutting down', retryAfter: 2 };
      if (batcher.buffered >= o.bufferMaxRows) {
        return { code: 'buffer_full', reason: `collector is busy: insert buffer full (${o.bufferMaxRows} rows)`, retryAfter: 1 };
      }
      const spooling = !state.up || !spool.empty;
      if (spooling && (spool.full || spool.stats().bytes >= o.spoolMaxBytes)) {
        return { code: 'spool_full', reason: 'storage unavailable and the disk spool is full', retryAfter: 30 };
      }
      return null;
    },
    guard,
    toRow: rowMapper(guard),
    batcher,
    spool,
    deadLetters,
    replayer,
    state,
    bufferMaxRows: o.bufferMaxRows,
    spoolMaxBytes: o.spoolMaxBytes,
    flush: () => batcher.flush(),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        try {
          await batcher.close();
        } finally {
          await replayer.stop();
          await deadLetters.close();
          await spool.close();
        }
      })()),
  };
}

/**
 * The 503 answer for an `add` that failed: buffer or spool full, shutting down, or a
 * write that could reach neither ClickHouse nor the disk.
 */
export function refusalFor(err: unknown): Refusal {
  if (err instanceof BatcherFullError) return { code: 'buffer_full', reason: 'collector is busy: insert buffer full', retryAfter: 1 };
  if (err instanceof BatcherClosedError) return { code: 'shutting_down', reason: 'collector is shutting down', retryAfter: 2 };
  if (err instanceof SpoolFullError) return { code: 'spool_full', reason: 'storage unavailable and the disk spool is full', retryAfter: 30 };
  return { code: 'unavailable', reason: 'storage and disk spool unavailable', retryAfter: 5 };
}
