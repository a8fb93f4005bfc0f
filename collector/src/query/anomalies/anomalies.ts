import {
  METRICS,
  QUERY_LIMITS,
  type Anomaly,
  type AnomaliesQuery,
  type AnomaliesResponse,
  type AnomalyCause,
  type QueryRange,
} from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { resolveRange } from '../range';
import { degradeCauses } from './causes/degrades';
import { endpointCauses } from './causes/endpoints';
import { errorGroupCauses } from './causes/error-groups';
import { flagCauses } from './causes/flags';
import { releaseCauses } from './causes/releases';
import { segmentCauses } from './causes/segments';
import type { CauseContext } from './causes/context';
import { runFinders } from './causes/finder';
import { judgeHour, mergeHours, type JudgedHour } from './detect';
import { emptyValues, metricDef } from './metric-def';
import { HOUR, WEEK, hourlySeries } from './series';

/**
 * Most anomalies causes are looked for in (the most severe first); the rest are listed
 * without. Each distinct window costs one statement over its hours in `weeks + 1` weeks.
 */
const MAX_EXPLAINED = 5;

/**
 * Finds hours where a metric left its seasonal baseline — the same hour of the week in
 * each of the last `weeks` weeks — merges consecutive ones into anomalies, and for each
 * anomaly ranks likely causes found in the same window compared with the same baseline
 * hours: error groups and failing endpoints that rose, flag changes, fallbacks shown, new
 * releases, and the browser or country hit out of proportion.
 *
 * @example await queryAnomalies(storage, 'demo', AnomaliesQuery.parse({ from: 'now-24h' }), Date.now())
 */
export async function queryAnomalies(storage: Storage, project: string, q: AnomaliesQuery, now: number): Promise<AnomaliesResponse> {
  const resolved = resolveRange(q, { now, maxDays: QUERY_LIMITS.anomalyMaxRangeDays });
  // Hours are judged whole (clock hours); an uneven `to` is handled by the series.
  const range = { from: Math.floor(resolved.from / HOUR) * HOUR, to: resolved.to };
  const metrics = q.metrics ?? [...METRICS];
  const events = metrics.filter((m) => m.startsWith('event:')).map((m) => m.slice('event:'.length));
  const series = await hourlySeries(storage, {
    project,
    range,
    weeks: q.weeks,
    purchase: q.purchase_event,
    signup: q.signup_event,
    revenueProp: q.revenue_prop,
    events,
  });

  const hours: number[] = [];
  for (let t = range.from; t < range.to; t += HOUR) hours.push(t);
  const tailHour = Math.floor(range.to / HOUR) * HOUR < range.to ? Math.floor(range.to / HOUR) * HOUR : undefined;
  const valueAt = (t: number, k: number) => (t === tailHour ? series.tail : series.full).get(t - k * WEEK);
  const hasData = (t: number) => series.firstHour !== undefined && t >= series.firstHour;
  let withoutBaseline = 0;

  const found: Omit<Anomaly, 'causes'>[] = [];
  for (const metric of metrics) {
    const def = metricDef(metric, q);
    const baselineHours = hours.flatMap((t) => weeksOf(q.weeks).map((k) => t - k * WEEK)).filter(hasData);
    const scale = def.scale(series, baselineHours);
    const judged: JudgedHour[] = hours.map((t) => {
      const ks = weeksOf(q.weeks).filter((k) => hasData(t - k * WEEK));
      const zero = emptyValues();
      const v = (k: number) => valueAt(t, k) ?? zero;
      return judgeHour(
        {
          t,
          observed: def.value(v(0)),
          baseline: ks.map((k) => def.value(v(k))),
          ...(def.n ? { n: def.n(v(0)), baselineN: ks.map((k) => def.n!(v(k))) } : {}),
        },
        scale,
        { threshold: q.threshold, minChange: q.min_change },
      );
    });
    if (metric === metrics[0]) withoutBaseline = judged.filter((h) => h.baseline.length < 2).length;
    found.push(...mergeHours(metric, scale, judged));
  }

  const rank = { high: 3, medium: 2, low: 1 } as const;
  found.sort((a, b) => rank[b.severity] - rank[a.severity] || b.score - a.score || a.start - b.start);
  // Low anomalies are often noise: their causes are looked for only when nothing ranks higher.
  const worthExplaining = found.some((a) => a.severity !== 'low') ? found.filter((a) => a.severity !== 'low') : found;
  const explained = q.causes ? worthExplaining.slice(0, MAX_EXPLAINED) : [];
  // Anomalies of several metrics over the same hours (orders, revenue, conversion) share
  // one look at that window: one statement runs every finder, and each segment measure once.
  // Different windows' statements run side by side rather than one after another, so the
  // answer waits for the slowest window instead of their sum where cores are free.
  const byWindow = new Map<string, typeof explained>();
  for (const a of explained) byWindow.set(`${a.start}-${a.end}`, [...(byWindow.get(`${a.start}-${a.end}`) ?? []), a]);
  const causesOf = new Map<(typeof found)[number], AnomalyCause[]>();
  await Promise.all(
    [...byWindow.values()].map(async (group) => {
      const first = group[0]!;
      const ctx: CauseContext = { storage, project, windows: causeWindows(first, q.weeks, series.firstHour) };
      const measures = new Map(group.map((a) => {
        const m = metricDef(a.metric, q).segment;
        return [`${m.key} ${a.direction}`, segmentCauses(m, a.direction)] as const;
      }));
      const keys = [...measures.keys()];
      const results = await runFinders(ctx, [...WINDOW_FINDERS, ...measures.values()]);
      const common = results.slice(0, WINDOW_FINDERS.length).flat();
      for (const a of group) {
        const own = results[WINDOW_FINDERS.length + keys.indexOf(`${metricDef(a.metric, q).segment.key} ${a.direction}`)] ?? [];
        causesOf.set(a, [...common, ...own].sort((x, y) => y.score - x.score).slice(0, q.cause_limit));
      }
    }),
  );
  const anomalies: Anomaly[] = found.map((a) => ({ ...a, causes: causesOf.get(a) ?? [] }));
  return { project, ...range, weeks: q.weeks, metrics, hours_without_baseline: withoutBaseline, anomalies };
}

/** The finders that depend on the window only. */
const WINDOW_FINDERS = [errorGroupCauses, endpointCauses, flagCauses, degradeCauses, releaseCauses];

/** The anomaly's window and its copies in the baseline weeks that have data. */
function causeWindows(a: { start: number; end: number }, weeks: number, firstHour: number | undefined): QueryRange[] {
  const out = [{ from: a.start, to: a.end }];
  for (const k of weeksOf(weeks)) {
    if (firstHour !== undefined && a.start - k * WEEK >= firstHour) out.push({ from: a.start - k * WEEK, to: a.end - k * WEEK });
  }
  return out;
}

const weeksOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
