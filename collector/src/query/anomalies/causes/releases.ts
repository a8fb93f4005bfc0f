import type { CauseFinder } from './finder';

const HOUR = 3_600_000;
/** How far back a release must not have been seen to count as new. */
const LOOKBACK_MS = 7 * 24 * HOUR;
/** How long before the window a new release still counts. */
const LEAD_MS = 2 * HOUR;

/**
 * Releases first seen (in pageviews and errors, over the last 7 days) from two hours
 * before the window to its end, with sessions in the window: 0.7 when they appeared
 * within an hour of its start, 0.4 otherwise.
 */
export const releaseCauses: CauseFinder = {
  sql(ctx, p) {
    const w = ctx.windows[0]!;
    return `SELECT toInt32(0) AS w, [toString(release)] AS k,
        [toFloat64(toUnixTimestamp64Milli(min(ts))), toFloat64(uniqExactIf(session_id, ts >= ${p.time(w.from)}))] AS v
      FROM ${ctx.storage.database}.events
      WHERE project = ${p.add('String', ctx.project)} AND kind IN ('pageview', 'error') AND release != ''
        AND ${p.tsRange(w.from - LOOKBACK_MS, w.to)}
      GROUP BY release
      HAVING min(ts) >= ${p.time(w.from - LEAD_MS)}`;
  },
  read(rows, ctx) {
    const w = ctx.windows[0]!;
    return rows
      .filter((r) => (r.v[1] ?? 0) > 0)
      .map((r) => {
        const release = r.k[0] ?? '';
        const [first = 0, sessions = 0] = r.v;
        return {
          kind: 'release' as const,
          score: Math.abs(first - w.from) <= HOUR ? 0.7 : 0.4,
          summary: `release ${release} first seen at ${new Date(first).toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${sessions} sessions since`,
          release,
          first_seen: first,
          sessions,
        };
      });
  },
};
