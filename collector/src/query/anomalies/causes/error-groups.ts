import { errorKey } from '../../errors/error-key';
import { expectedOf, riseScore, round2, windowSql } from './context';
import { byKey, type CauseFinder } from './finder';

/** Error groups that occurred more in the window than in the same hours of the baseline weeks. */
export const errorGroupCauses: CauseFinder = {
  sql(ctx, p) {
    const win = windowSql(ctx.windows, p);
    return `SELECT toInt32(w) AS w, [key, sample_message, sample_session, sample_request] AS k, [toFloat64(n), toFloat64(sessions)] AS v
      FROM (
        SELECT w, key, uniqExact(event_id) AS n, uniqExactIf(session_id, session_id != '') AS sessions,
          argMax(message, ts) AS sample_message, argMaxIf(session_id, ts, session_id != '') AS sample_session,
          argMaxIf(request_id, ts, request_id != '') AS sample_request
        FROM (
          SELECT ${win.index} AS w, ${errorKey()} AS key, event_id, ts, message, session_id, request_id
          FROM ${ctx.storage.database}.events
          WHERE project = ${p.add('String', ctx.project)} AND kind = 'error' AND ${win.where}
        )
        GROUP BY w, key
      )`;
  },
  read(rows, ctx) {
    return [...byKey(rows, 1)].flatMap(([key, g]) => {
      if (!g.row) return [];
      const observed = g.counts.get(0) ?? 0;
      const expected = expectedOf(g.counts, ctx.windows.length);
      const score = riseScore(observed, expected);
      if (score <= 0) return [];
      const [, message = '', session = '', request = ''] = g.row.k;
      const sessions = g.row.v[1] ?? 0;
      return [
        {
          kind: 'error_group' as const,
          score: round2(score),
          summary: `error ${key} occurred ${observed} times (usually ${expected}) in ${sessions} sessions`,
          key,
          message,
          observed,
          expected,
          sessions,
          ...(session ? { sample_session_id: session } : {}),
          ...(request ? { sample_request_id: request } : {}),
        },
      ];
    });
  },
};
