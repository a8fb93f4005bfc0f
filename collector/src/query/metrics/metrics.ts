import type { MetricsQuery, MetricsResponse } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { bucketStart, bucketStarts, defaultInterval } from '../buckets';
import { resolveRange } from '../range';
import { createParams } from '../sql/params';
import { selectRows } from '../sql/run';
import { MERGED_COLUMNS, hourlyStatesSource, metricValues, trackNames, type MergedRow } from './hourly-states';

/**
 * Sales, visits, registrations, conversion and error counts per hour or day.
 *
 * Reads the hourly roll-up for whole hours and events for the uneven ends, merging the
 * same de-duplicated sets, so buckets and totals are exact (a session seen in two hours
 * is one visit of the day). Buckets start in `tz`; the totals come from the same
 * statement (`GROUPING SETS`), so visits over the range are distinct sessions, not a sum.
 *
 * @example await queryMetrics(storage, 'demo', MetricsQuery.parse({ interval: 'day' }), Date.now())
 */
export async function queryMetrics(storage: Storage, project: string, q: MetricsQuery, now: number): Promise<MetricsResponse> {
  const range = resolveRange(q, { now });
  const interval = q.interval ?? defaultInterval(range);
  const names = { purchase: q.purchase_event, signup: q.signup_event, events: q.events ?? [] };
  const p = createParams();
  const tz = p.add('String', q.tz);
  const source = hourlyStatesSource(
    {
      database: storage.database,
      project,
      windows: [range],
      names: trackNames(names),
      revenueProp: q.revenue_prop,
      grain: wholeHourZone(q.tz, range) ? 'hour' : 'quarter',
    },
    p,
  );
  const sql = `
    SELECT toUnixTimestamp(${bucketStart(interval, 'slot', tz)}) * 1000 AS t, grouping(t) AS total, ${MERGED_COLUMNS}
    FROM ${source}
    GROUP BY GROUPING SETS ((t, kind, name), (kind, name))`;
  const [rows, starts] = await Promise.all([
    selectRows<MergedRow & { t: number | string; total: number | string }>(storage, sql, p),
    bucketStarts(storage, range, interval, q.tz),
  ]);
  const byT = new Map<number, MergedRow[]>();
  const totals: MergedRow[] = [];
  for (const r of rows) {
    if (Number(r.total) !== 0) totals.push(r);
    else byT.set(Number(r.t), [...(byT.get(Number(r.t)) ?? []), r]);
  }
  return {
    project,
    ...range,
    interval,
    tz: q.tz,
    points: starts.map((t) => ({ t, ...metricValues(byT.get(t) ?? [], names) })),
    totals: metricValues(totals, names),
  };
}

/**
 * Whether `tz` is a whole number of hours from UTC over the range (checked at both ends,
 * which catches the zones with half-hour offsets or half-hour summer time).
 */
function wholeHourZone(tz: string, r: { from: number; to: number }): boolean {
  if (tz === 'UTC') return true;
  const offset = (ms: number) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(ms)
      .find((x) => x.type === 'timeZoneName')?.value;
    return /:(\d\d)$/.exec(name ?? '')?.[1] ?? '00';
  };
  return offset(r.from) === '00' && offset(r.to) === '00';
}
