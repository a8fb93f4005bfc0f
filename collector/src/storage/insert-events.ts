import type { Storage } from './open-storage';
import { EVENT_COLUMNS, type EventRow } from './event-row';

/**
 * Inserts rows into `events` in one INSERT. Settings are left to the table (not passed per
 * insert) because chDB applies per-query settings as a session-wide SET.
 *
 * @example await insertEvents(storage, events.map(eventToRow))
 */
export async function insertEvents(storage: Storage, rows: readonly EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await storage.client.insert({
    table: `${storage.database}.events`,
    values: rows as EventRow[],
    columns: [...EVENT_COLUMNS],
    format: 'JSONEachRow',
  });
}
