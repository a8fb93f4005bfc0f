import { collectorMetrics } from '../metrics/collector-metrics';
import type { EventRow } from '../storage/event-row';
import { insertEvents } from '../storage/insert-events';
import type { Storage } from '../storage/open-storage';

/** An insert did not finish within `LIFELINE_INSERT_TIMEOUT_MS`. */
export class InsertTimeoutError extends Error {
  override name = 'InsertTimeoutError';
}

/**
 * One insert into `events`, given up after `timeoutMs` so a hung server cannot hold
 * acknowledgements (and shutdown) hostage: the rows are then spooled. The abandoned insert
 * may still land; the replay's copy is then de-duplicated.
 *
 * Every row reaches ClickHouse through here, written at once or replayed from the spool, so
 * this is where the insert's duration and the ingest lag are recorded. The lag is observed
 * once per completed insert, for its oldest row (`received_at` to now): the longest any of
 * its rows waited, which for rows spooled through an outage includes the whole outage.
 *
 * @example const insert = timedInsert(storage, 10_000); await insert(rows)
 */
export function timedInsert(storage: Storage, timeoutMs: number): (rows: EventRow[]) => Promise<void> {
  return async function insert(rows) {
    const controller = new AbortController();
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new InsertTimeoutError(`insert of ${rows.length} rows took longer than ${timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    const attempt = insertEvents(storage, rows, { signal: controller.signal });
    attempt.catch(() => {});
    try {
      await Promise.race([attempt, timeout]);
      collectorMetrics.insertDuration.observe(seconds(), { outcome: 'ok' });
      collectorMetrics.insertRows.inc(rows.length);
      if (rows.length > 0) collectorMetrics.ingestLag.observe(oldestLagSeconds(rows, Date.now()));
    } catch (err) {
      collectorMetrics.insertDuration.observe(seconds(), { outcome: 'error' });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Seconds from the earliest `received_at` among `rows` to `now` (never negative). */
function oldestLagSeconds(rows: readonly EventRow[], now: number): number {
  let oldest = now;
  for (const row of rows) if (row.received_at < oldest) oldest = row.received_at;
  return (now - oldest) / 1000;
}
