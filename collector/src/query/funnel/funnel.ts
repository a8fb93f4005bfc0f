import type { FunnelPeriod, FunnelQuery, FunnelResponse, QueryRange } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { resolveRange } from '../range';
import { BREAKDOWN } from '../sql/breakdown';
import { createParams } from '../sql/params';
import { propCondition } from '../sql/prop-filter';
import { selectRows } from '../sql/run';
import { addLevels, funnelResult } from './funnel-result';

/** The column each kind of funnel entity is read from. */
const ENTITY = { session: 'session_id', user: 'user_id', anon: 'anon_id' } as const;

/** Label of the breakdown values beyond `breakdown_limit`, summed. */
export const OTHER = '(other)';

interface LevelRow {
  period: number | string;
  value: string;
  level: number | string;
  n: number | string;
}

/**
 * A funnel with ClickHouse's `windowFunnel` over each entity's `track` events.
 *
 * Only events in [first period's from, to + window) are read, de-duplicated by event_id.
 * The first step must fall inside the period; later steps may follow up to `window` after
 * it, even past `to`. With `compare`, both periods come from the same scan: each gets its
 * own `windowFunnel` whose first condition is limited to that period. A breakdown value is
 * the one of the entity's first step-1 event in the period.
 *
 * @example await queryFunnel(storage, 'demo', FunnelQuery.parse({ steps: 'view_product,purchase' }), Date.now())
 */
export async function queryFunnel(storage: Storage, project: string, q: FunnelQuery, now: number): Promise<FunnelResponse> {
  const range = resolveRange(q, { now });
  const periods: QueryRange[] = [range];
  if (q.compare) periods.push({ from: range.from - (range.to - range.from), to: range.from });

  const p = createParams();
  const steps = q.steps.map((s) => [`name = ${p.add('String', s.event)}`, ...s.where.map((f) => propCondition(f, p))].join(' AND '));
  const later = steps.slice(1).map((c) => `(${c})`).join(', ');
  const windowMs = p.add('UInt64', q.window);
  const mode = q.order === 'strict' ? `, 'strict_order'` : '';
  const bd = q.breakdown ? BREAKDOWN[q.breakdown] : undefined;
  const perPeriod = periods.map((per, i) => {
    const first = `(${steps[0]}) AND ts >= ${p.time(per.from)} AND ts < ${p.time(per.to)}`;
    return [
      `windowFunnel(${windowMs}${mode})(t, ${first}, ${later}) AS level${i}`,
      // The breakdown column at the entity's first step-1 event; turned into a value once per entity.
      bd ? `toString(argMinIf(${bd.column}, t, ${first})) AS bd${i}` : `'' AS bd${i}`,
    ].join(', ');
  });
  const names = [...new Set(q.steps.map((s) => s.event))];
  // Strict order must see every tracked event, since any other event between steps breaks the chain.
  const nameFilter = q.order === 'strict' ? '' : `AND name IN ${p.add('Array(String)', names)}`;

  // Grouped by the breakdown's raw column first (a few hundred user agents), so the value
  // (user-agent parsing, path templates) is computed per distinct raw value, not per entity.
  const sql = `
    SELECT period, ${bd ? bd.value('raw') : `''`} AS value, level, sum(n) AS n
    FROM (
      SELECT x.1 AS period, x.2 AS raw, x.3 AS level, count() AS n
      FROM (
        SELECT ${perPeriod.join(',\n          ')}
        FROM (
          SELECT ${ENTITY[q.by]} AS e, toUInt64(toUnixTimestamp64Milli(ts)) AS t, ts, name, props${bd ? `, ${bd.column}` : ''}
          FROM ${storage.database}.events
          WHERE project = ${p.add('String', project)} AND kind = 'track' ${nameFilter}
            AND ${p.tsRange(periods[periods.length - 1]!.from, range.to + q.window)}
          LIMIT 1 BY event_id
        )
        WHERE e != ''
        GROUP BY e
      )
      ARRAY JOIN [${periods.map((_, i) => `(${i}, bd${i}, level${i})`).join(', ')}] AS x
      WHERE x.3 > 0
      GROUP BY period, raw, level
    )
    GROUP BY period, value, level`;
  const rows = await selectRows<LevelRow>(storage, sql, p);
  const levels = periods.map((_, i) => levelsByValue(rows.filter((r) => Number(r.period) === i)));
  // Breakdown values are ranked in the current period; the previous period lists the same ones.
  const shown = [...levels[0]!.entries()]
    .map(([value, l]) => ({ value, entered: funnelResult(q.steps, l).entered }))
    .sort((a, b) => b.entered - a.entered || a.value.localeCompare(b.value))
    .slice(0, q.breakdown_limit)
    .map((v) => v.value);
  const [current, previous] = periods.map((per, i) => periodResult(q, per, levels[i]!, shown));
  return {
    project,
    ...current!,
    by: q.by,
    order: q.order,
    window_ms: q.window,
    steps: q.steps,
    ...(q.breakdown ? { breakdown_by: q.breakdown } : {}),
    ...(previous ? { previous } : {}),
  };
}

/** Level histograms per breakdown value. */
function levelsByValue(rows: LevelRow[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const levels = out.get(r.value) ?? new Map<number, number>();
    out.set(r.value, levels);
    levels.set(Number(r.level), (levels.get(Number(r.level)) ?? 0) + Number(r.n));
  }
  return out;
}

function periodResult(q: FunnelQuery, per: QueryRange, levels: Map<string, Map<number, number>>, shown: string[]): FunnelPeriod {
  const total = [...levels.values()].reduce((acc, l) => addLevels(acc, l), new Map<number, number>());
  const out: FunnelPeriod = { ...per, total: funnelResult(q.steps, total) };
  if (!q.breakdown) return out;
  out.breakdown = shown.map((value) => ({ value, ...funnelResult(q.steps, levels.get(value) ?? new Map()) }));
  const rest = [...levels.entries()].filter(([value]) => !shown.includes(value));
  if (rest.length > 0) {
    const other = rest.reduce((acc, [, l]) => addLevels(acc, l), new Map<number, number>());
    out.breakdown.push({ value: OTHER, ...funnelResult(q.steps, other) });
  }
  return out;
}
