import { expectedOf, riseScore, round2, windowSql } from './context';
import { byKey, type CauseFinder } from './finder';

/** Fallbacks shown (degrade events) more often in the window than in the baseline. */
export const degradeCauses: CauseFinder = {
  sql(ctx, p) {
    const win = windowSql(ctx.windows, p);
    return `SELECT toInt32(${win.index}) AS w, [toString(feature), toString(state), toString(reason)] AS k,
        [toFloat64(uniqExact(event_id)), toFloat64(uniqExactIf(session_id, session_id != ''))] AS v
      FROM ${ctx.storage.database}.events
      WHERE project = ${p.add('String', ctx.project)} AND kind = 'degrade' AND state != 'ok' AND ${win.where}
      GROUP BY w, k`;
  },
  read(rows, ctx) {
    return [...byKey(rows, 3).values()].flatMap((g) => {
      if (!g.row) return [];
      const observed = g.counts.get(0) ?? 0;
      const expected = expectedOf(g.counts, ctx.windows.length);
      const score = riseScore(observed, expected);
      if (score <= 0) return [];
      const [feature = '', state = '', reason = ''] = g.row.k;
      const sessions = g.row.v[1] ?? 0;
      return [
        {
          kind: 'degrade' as const,
          score: round2(score),
          summary: `${feature} shown ${state} (${reason}) ${observed} times (usually ${expected}) in ${sessions} sessions`,
          feature,
          state,
          reason,
          observed,
          expected,
          sessions,
        },
      ];
    });
  },
};
