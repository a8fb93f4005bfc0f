import type { AnomalyCause } from '@lifeline/protocol';
import type { SqlParams } from '../../sql/params';
import { browserFamily } from '../../sql/user-agent';
import { expectedOf, round2, windowSql } from './context';
import type { CauseFinder } from './finder';

/** The count a segment is compared on, for an anomaly's metric. */
export interface SegmentMeasure {
  /** Names the measure: anomalies of metrics with the same measure (orders, revenue, conversion) share one count. */
  key: string;
  /** Which rows: a condition on `events`. */
  where: (p: SqlParams) => string;
  /** What is counted among them: `event_id` (events) or `session_id` (sessions). */
  distinct: 'event_id' | 'session_id';
}

const DIMENSIONS = { browser: browserFamily('user_agent'), country: `if(country = '', '(unknown)', toString(country))` } as const;

/**
 * The browser family and the country that moved most out of proportion: a value whose
 * part of the whole change is far larger than its part of the baseline (Safari losing 80 %
 * of the missing orders while making 30 % of the usual ones). When every value moved
 * alike, nothing scores. One per dimension, if it scores at least 0.1.
 */
export function segmentCauses(measure: SegmentMeasure, direction: 'drop' | 'spike'): CauseFinder {
  return {
    sql(ctx, p) {
      const win = windowSql(ctx.windows, p);
      return `SELECT toInt32(w) AS w, [d.1, d.2] AS k, [toFloat64(uniqExact(x))] AS v
        FROM (
          SELECT ${win.index} AS w, ${measure.distinct} AS x, user_agent, country
          FROM ${ctx.storage.database}.events
          WHERE project = ${p.add('String', ctx.project)} AND ${win.where} AND ${measure.where(p)}
        )
        ARRAY JOIN [${Object.entries(DIMENSIONS).map(([name, sql]) => `('${name}', ${sql})`).join(', ')}] AS d
        GROUP BY w, k`;
    },
    read(rows, ctx) {
      const out: AnomalyCause[] = [];
      for (const dim of Object.keys(DIMENSIONS) as (keyof typeof DIMENSIONS)[]) {
        const values = new Map<string, Map<number, number>>();
        for (const r of rows.filter((x) => x.k[0] === dim)) {
          const m = values.get(r.k[1] ?? '') ?? new Map<number, number>();
          values.set(r.k[1] ?? '', m);
          m.set(r.w, r.v[0] ?? 0);
        }
        const stats = [...values].map(([value, counts]) => ({ value, observed: counts.get(0) ?? 0, expected: expectedOf(counts, ctx.windows.length) }));
        const change = stats.reduce((s, v) => s + v.observed - v.expected, 0);
        const base = stats.reduce((s, v) => s + v.expected, 0);
        if (change === 0 || base === 0 || (direction === 'drop') !== change < 0) continue;
        let best: AnomalyCause | undefined;
        for (const v of stats) {
          const shareOfChange = (v.observed - v.expected) / change;
          const shareOfBaseline = v.expected / base;
          const significance = Math.min(1, Math.abs(v.observed - v.expected) / Math.sqrt(v.expected + 1) / 3);
          const score = Math.max(0, Math.min(1, shareOfChange - shareOfBaseline)) * significance;
          if (score < 0.1 || (best && score <= best.score)) continue;
          const rel = v.expected > 0 ? (v.observed - v.expected) / v.expected : 1;
          best = {
            kind: 'segment',
            score: round2(score),
            summary: `${dim} ${v.value}: ${v.observed} vs usually ${v.expected} (${rel > 0 ? '+' : ''}${Math.round(rel * 100)} %), ${Math.round(shareOfChange * 100)} % of the change from ${Math.round(shareOfBaseline * 100)} % of the usual volume`,
            dimension: dim,
            value: v.value,
            observed: v.observed,
            expected: v.expected,
            change: round2(rel),
            share_of_change: round2(shareOfChange),
            share_of_baseline: round2(shareOfBaseline),
          };
        }
        if (best) out.push(best);
      }
      return out;
    },
  };
}
