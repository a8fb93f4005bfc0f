import type { MetricValues, QueryRange } from '@lifeline/protocol';
import { METRIC_EVENTS } from '@lifeline/protocol';
import { hourlyStatesSelect } from '../schema/hourly-rollup';
import type { SqlParams } from '../sql/params';

const HOUR = 3_600_000;

export interface HourlyStatesOptions {
  database: string;
  project: string;
  /** Time windows to cover, `to` exclusive; they may overlap. */
  windows: readonly QueryRange[];
  /** Track event names whose rows are needed (purchase, sign-up, extra events). */
  names: readonly string[];
  /** The revenue prop; the roll-up keeps only `revenue`, any other is read from events. */
  revenueProp: string;
  /**
   * Grain of the rows read from events: `hour`, or `quarter` (15 minutes) for callers that
   * bucket in a time zone whose offset is not a whole number of hours.
   */
  grain: 'hour' | 'quarter';
}

/**
 * A subquery of rows `(slot, kind, name, events, sessions, revenue)` holding the sets of
 * `events_hourly` for `windows`: whole hours from the roll-up, and the uneven ends (and
 * everything, when the roll-up cannot serve) from `events` aggregated into the same sets,
 * so a caller merges them alike and gets exact, de-duplicated figures. `slot` is a
 * `DateTime('UTC')`: the hour, or the quarter-hour with grain `quarter`. Only pageview,
 * error and the named track rows are read.
 */
export function hourlyStatesSource(o: HourlyStatesOptions, p: SqlParams): string {
  const rollup = o.grain === 'hour' && o.revenueProp === METRIC_EVENTS.revenue_prop;
  const whole: QueryRange[] = [];
  const raw: QueryRange[] = [];
  for (const w of o.windows) {
    const a = Math.ceil(w.from / HOUR) * HOUR;
    const b = Math.floor(w.to / HOUR) * HOUR;
    if (!rollup || a >= b) {
      raw.push(w);
      continue;
    }
    whole.push({ from: a, to: b });
    if (w.from < a) raw.push({ from: w.from, to: a });
    if (b < w.to) raw.push({ from: b, to: w.to });
  }
  const project = p.add('String', o.project);
  const rows = `(kind IN ('pageview', 'error') OR (kind = 'track' AND name IN ${p.add('Array(String)', [...o.names])}))`;
  const within = (col: string, ranges: QueryRange[]) =>
    `(${ranges.map((r) => `(${col} >= ${p.time(r.from)} AND ${col} < ${p.time(r.to)})`).join(' OR ')})`;
  const parts: string[] = [];
  if (whole.length > 0) {
    parts.push(`SELECT hour AS slot, kind, name, events, sessions, revenue
      FROM ${o.database}.events_hourly
      WHERE project = ${project} AND ${within('hour', whole)} AND ${rows}`);
  }
  if (raw.length > 0) {
    const select = hourlyStatesSelect({
      source: `${o.database}.events`,
      slot: o.grain === 'hour' ? 'toStartOfHour(ts)' : 'toStartOfFifteenMinutes(ts)',
      revenueProp: p.add('String', o.revenueProp),
      where: `project = ${project} AND (${raw.map((r) => p.tsRange(r.from, r.to)).join(' OR ')}) AND ${rows}`,
    });
    parts.push(`SELECT hour AS slot, kind, name, events, sessions, revenue FROM (${select})`);
  }
  return `(${parts.join('\n      UNION ALL\n      ')})`;
}

/** The merged sets per slot group and (kind, name): counts of events and sessions, revenue. */
export const MERGED_COLUMNS = `kind, name, uniqExactMerge(events) AS n, uniqExactMerge(sessions) AS s,
  arraySum(x -> x.2, groupUniqArrayMerge(revenue)) AS revenue`;

export interface MergedRow {
  kind: string;
  name: string;
  n: number | string;
  s: number | string;
  revenue: number | string;
}

export interface MetricNames {
  purchase: string;
  signup: string;
  events: readonly string[];
}

/** The track names a metrics query needs rows of. */
export const trackNames = (n: MetricNames) => [...new Set([n.purchase, n.signup, ...n.events])];

/** Turns the merged rows of one bucket into metrics. */
export function metricValues(rows: readonly MergedRow[], n: MetricNames): MetricValues {
  const find = (kind: string, name = '') => rows.find((r) => r.kind === kind && r.name === name);
  const num = (r: MergedRow | undefined, k: 'n' | 's' | 'revenue') => Number(r?.[k] ?? 0);
  const purchase = find('track', n.purchase);
  const visits = num(find('pageview'), 's');
  const converted = num(purchase, 's');
  return {
    visits,
    orders: num(purchase, 'n'),
    revenue: Math.round(num(purchase, 'revenue') * 100) / 100,
    registrations: num(find('track', n.signup), 'n'),
    converted,
    conversion_rate: visits > 0 ? converted / visits : 0,
    errors: num(find('error'), 'n'),
    events: Object.fromEntries(n.events.map((e) => [e, num(find('track', e), 'n')])),
  };
}
