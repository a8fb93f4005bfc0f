import { VITAL_NAMES, VITAL_THRESHOLDS, type VitalName, type VitalSummary, type VitalsQuery, type VitalsResponse } from '@lifeline/protocol';
import type { Storage } from '../storage/open-storage';
import { bucketStart, bucketStarts, defaultInterval } from './buckets';
import { resolveRange } from './range';
import { createParams } from './sql/params';
import { selectRows } from './sql/run';
import { pathTemplate, urlPath } from './sql/url-path';

interface Row {
  scope: string;
  key: string;
  name: VitalName;
  count: number | string;
  p75: number | string;
  good: number | string;
  poor: number | string;
}

/**
 * Web vitals overall, per page path (template) and per bucket: the 75th percentile
 * (`quantileExactInclusive`: linear interpolation between closest ranks, as numpy and
 * PostgreSQL's percentile_cont) and the shares rated good / needs improvement / poor by
 * the web.dev thresholds. One scan of the range's vitals, de-duplicated by event_id,
 * grouped three ways with GROUPING SETS.
 *
 * @example await queryVitals(storage, 'demo', VitalsQuery.parse({ names: 'LCP,INP' }), Date.now())
 */
export async function queryVitals(storage: Storage, project: string, q: VitalsQuery, now: number): Promise<VitalsResponse> {
  const range = resolveRange(q, { now });
  const interval = q.interval ?? defaultInterval(range);
  const names = q.names ?? [...VITAL_NAMES];
  const p = createParams();
  const nameParams = names.map((n) => p.add('String', n));
  const threshold = (i: 0 | 1) => `multiIf(${names.map((n, j) => `name = ${nameParams[j]}, ${VITAL_THRESHOLDS[n][i]}`).join(', ')}, 0)`;
  const good = threshold(0);
  const poor = threshold(1);
  const pathFilter = q.path === undefined ? '' : `AND path = ${p.add('String', q.path)}`;
  const rows = await selectRows<Row>(
    storage,
    `SELECT
       multiIf(grouping(path) = 0, 'path', grouping(b) = 0, 'time', 'all') AS scope,
       multiIf(scope = 'path', path, scope = 'time', toString(b), '') AS key,
       name, sum(n) AS count, quantileExactInclusiveMerge(0.75)(q) AS p75,
       sum(g) / count AS good, sum(bad) / count AS poor
     FROM (
       -- Per raw path first, so the path template runs once per distinct path.
       SELECT name, ${pathTemplate('raw')} AS path, b, count() AS n, quantileExactInclusiveState(0.75)(value) AS q,
         countIf(value <= ${good}) AS g, countIf(value > ${poor}) AS bad
       FROM (
         SELECT toString(name) AS name, value, ${urlPath('url')} AS raw,
           toUnixTimestamp(${bucketStart(interval, 'ts', `'UTC'`)}) * 1000 AS b
         FROM ${storage.database}.events
         WHERE project = ${p.add('String', project)} AND kind = 'vital' AND name IN ${p.add('Array(String)', names)}
           AND ${p.tsRange(range.from, range.to)}
         LIMIT 1 BY event_id
       )
       GROUP BY name, raw, b
     )
     WHERE 1 ${pathFilter}
     GROUP BY GROUPING SETS ((name), (name, path), (name, b))`,
    p,
  );
  const summary = (r: Row): VitalSummary => {
    const [g, ni] = VITAL_THRESHOLDS[r.name];
    const p75 = Number(r.p75);
    const goodShare = Number(r.good);
    const poorShare = Number(r.poor);
    return {
      name: r.name,
      count: Number(r.count),
      p75: Math.round(p75 * 1000) / 1000,
      rating: p75 <= g ? 'good' : p75 <= ni ? 'needs-improvement' : 'poor',
      good: goodShare,
      needs_improvement: Math.max(0, 1 - goodShare - poorShare),
      poor: poorShare,
    };
  };
  const order = (a: VitalSummary, b: VitalSummary) => names.indexOf(a.name) - names.indexOf(b.name);
  const grouped = (scope: string) => {
    const m = new Map<string, VitalSummary[]>();
    for (const r of rows.filter((x) => x.scope === scope)) m.set(r.key, [...(m.get(r.key) ?? []), summary(r)]);
    return m;
  };
  const byPath = [...grouped('path')]
    .map(([path, vitals]) => ({ path, vitals: vitals.sort(order), n: vitals.reduce((s, v) => s + v.count, 0) }))
    .sort((a, b) => b.n - a.n || a.path.localeCompare(b.path))
    .slice(0, q.path_limit)
    .map(({ path, vitals }) => ({ path, vitals }));
  const byTime = grouped('time');
  const starts = await bucketStarts(storage, range, interval);
  return {
    project,
    ...range,
    interval,
    overall: rows.filter((r) => r.scope === 'all').map(summary).sort(order),
    by_path: byPath,
    series: starts.map((t) => ({ t, vitals: (byTime.get(String(t)) ?? []).sort(order) })),
  };
}
