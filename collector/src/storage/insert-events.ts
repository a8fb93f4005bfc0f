import type { Storage } from './open-storage';
import { INSERT_COLUMNS, type EventRow } from './event-row';

/**
 * Inserts rows into `events` in one INSERT (on a cluster, `events` is the Distributed
 * table, which routes each row to its shard).
 *
 * `async_insert = 0`: the collector batches itself, and recent ClickHouse (chDB included)
 * turns asynchronous inserts on by default, which would make small inserts wait for the
 * server's own buffer and skip block de-duplication (`async_insert_deduplicate = 0`), so a
 * replayed block could be stored twice. chDB applies per-query settings as a session-wide
 * SET; this one only concerns inserts, so that is harmless. Table settings (the
 * de-duplication window) stay on the table.
 *
 * @example await insertEvents(storage, events.map(eventToRow))
 */
export async function insertEvents(storage: Storage, rows: readonly EventRow[], options: { signal?: AbortSignal } = {}): Promise<void> {
  if (rows.length === 0) return;
  await storage.client.insert({
    table: `${storage.database}.events`,
    values: rows as EventRow[],
    columns: [...INSERT_COLUMNS],
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
    ...(options.signal ? { abort_signal: options.signal } : {}),
  });
}
