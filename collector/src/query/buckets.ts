import type { Interval, QueryRange } from '@lifeline/protocol';
import type { Storage } from '../storage/open-storage';
import { createParams } from './sql/params';
import { selectRows } from './sql/run';

const HOUR = 3_600_000;

/** `hour` for ranges up to two days, `day` beyond. */
export const defaultInterval = (r: QueryRange): Interval => (r.to - r.from <= 2 * 24 * HOUR ? 'hour' : 'day');

/** The SQL that maps a time column to the start of its bucket in `tz` (a parameter placeholder). */
export const bucketStart = (interval: Interval, ts: string, tz: string) =>
  interval === 'hour' ? `toStartOfHour(${ts}, ${tz})` : `toStartOfDay(${ts}, ${tz})`;

/**
 * The start (epoch ms) of every bucket that overlaps the range, in the time zone `tz`. The
 * engine computes them, so days in zones with summer time are 23 or 25 hours long as they
 * should be; stepping through the range by the hour finds every bucket.
 */
export async function bucketStarts(storage: Storage, r: QueryRange, interval: Interval, tz = 'UTC'): Promise<number[]> {
  if (tz === 'UTC') {
    // Plain arithmetic in UTC; no need to ask the engine.
    const size = interval === 'hour' ? HOUR : 24 * HOUR;
    const out: number[] = [];
    for (let t = Math.floor(r.from / size) * size; t < r.to; t += size) out.push(t);
    return out;
  }
  const p = createParams();
  const zone = p.add('String', tz);
  const rows = await selectRows<{ t: number | string }>(
    storage,
    `SELECT DISTINCT toUnixTimestamp(${bucketStart(interval, `fromUnixTimestamp64Milli(toInt64(x), 'UTC')`, zone)}) * 1000 AS t
     FROM (SELECT arrayJoin(arrayConcat(range(${p.add('Int64', r.from)}, ${p.add('Int64', r.to)}, ${HOUR}), [${p.add('Int64', r.to - 1)}])) AS x)
     ORDER BY t`,
    p,
  );
  return rows.map((row) => Number(row.t));
}
