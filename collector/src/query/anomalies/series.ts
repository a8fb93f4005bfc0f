import type { MetricValues, QueryRange } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { MERGED_COLUMNS, hourlyStatesSource, metricValues, trackNames, type MergedRow } from '../metrics/hourly-states';
import { createParams } from '../sql/params';
import { selectRows } from '../sql/run';

export const HOUR = 3_600_000;
export const WEEK = 7 * 24 * HOUR;

export interface SeriesOptions {
  project: string;
  /** The range judged; `from` on an hour. */
  range: QueryRange;
  weeks: number;
  purchase: string;
  signup: string;
  revenueProp: string;
  events: readonly string[];
}

/** Metric values per hour start; `tail` holds the uneven last hour and its baseline copies. */
export interface HourlySeries {
  full: Map<number, MetricValues>;
  tail: Map<number, MetricValues>;
  /** The first hour the project has data in (baseline weeks before it are not judged on). */
  firstHour: number | undefined;
}

/**
 * Hourly metrics for the range and the same span in each of the `weeks` before it, in one
 * statement. Whole hours come from the roll-up; when `to` falls inside an hour, that last
 * hour is read up to `to` — and so are its copies in the baseline weeks, so a half-elapsed
 * hour is compared with half-hours rather than flagged as a drop.
 */
export async function hourlySeries(storage: Storage, o: SeriesOptions): Promise<HourlySeries> {
  const toHour = Math.floor(o.range.to / HOUR) * HOUR;
  const shifts = Array.from({ length: o.weeks + 1 }, (_, k) => k * WEEK);
  const full = shifts.map((s) => ({ from: o.range.from - s, to: toHour - s })).filter((w) => w.from < w.to);
  const tail = toHour < o.range.to ? shifts.map((s) => ({ from: toHour - s, to: o.range.to - s })) : [];
  const p = createParams();
  const names = { purchase: o.purchase, signup: o.signup, events: o.events };
  const source = (windows: QueryRange[]) =>
    hourlyStatesSource(
      { database: storage.database, project: o.project, windows, names: trackNames(names), revenueProp: o.revenueProp, grain: 'hour' },
      p,
    );
  const select = (part: string, windows: QueryRange[]) =>
    `SELECT '${part}' AS part, toUnixTimestamp(slot) * 1000 AS t, ${MERGED_COLUMNS} FROM ${source(windows)} GROUP BY t, kind, name`;
  // The project's first hour rides along in the same statement (one round trip).
  const first = `SELECT 'first' AS part, toUnixTimestamp(min(hour)) * 1000 AS t, '' AS kind, '' AS name,
      toUInt64(count()) AS n, toUInt64(0) AS s, toFloat64(0) AS revenue
    FROM ${storage.database}.events_hourly WHERE project = ${p.add('String', o.project)}`;
  const parts = [...(full.length ? [select('full', full)] : []), ...(tail.length ? [select('tail', tail)] : []), first];
  const rows = await selectRows<MergedRow & { part: string; t: number | string }>(storage, parts.join('\nUNION ALL\n'), p);
  const firstRow = rows.find((r) => r.part === 'first');
  const grouped = { full: new Map<number, MergedRow[]>(), tail: new Map<number, MergedRow[]>() };
  for (const r of rows) {
    if (r.part === 'first') continue;
    const m = grouped[r.part === 'tail' ? 'tail' : 'full'];
    m.set(Number(r.t), [...(m.get(Number(r.t)) ?? []), r]);
  }
  const values = (m: Map<number, MergedRow[]>) => new Map([...m].map(([t, rs]) => [t, metricValues(rs, names)]));
  return {
    full: values(grouped.full),
    tail: values(grouped.tail),
    firstHour: firstRow && Number(firstRow.n) > 0 ? Number(firstRow.t) : undefined,
  };
}
