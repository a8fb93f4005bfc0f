import type { CauseFinder } from './finder';

const MINUTE = 60_000;
/** How long before the window a flag change still counts as a possible cause. */
export const FLAG_LEAD_MS = 60 * MINUTE;

const RANK: Record<string, number> = { ok: 0, degraded: 1, down: 2 };

/**
 * Flag changes from an hour before the window to its end. A change for the worse close to
 * the start (15 minutes either side, or later inside the window) scores 0.8 — ops flipping
 * a feature at the same time is strong evidence, as a cause or as the response to one; an
 * earlier one 0.5; a recovery 0.3 (it explains an end rather than a start).
 */
export const flagCauses: CauseFinder = {
  sql(ctx, p) {
    const w = ctx.windows[0]!;
    return `SELECT toInt32(0) AS w, [toString(feature), toString(from_state), toString(state), toString(actor), message] AS k,
        [toFloat64(toUnixTimestamp64Milli(ts))] AS v
      FROM ${ctx.storage.database}.events
      WHERE project = ${p.add('String', ctx.project)} AND kind = 'flag'
        AND ${p.tsRange(w.from - FLAG_LEAD_MS, w.to)}
      LIMIT 1 BY event_id`;
  },
  read(rows, ctx) {
    const w = ctx.windows[0]!;
    return rows
      .sort((a, b) => (a.v[0] ?? 0) - (b.v[0] ?? 0))
      .map((r) => {
        const [feature = '', from_state = '', state = '', actor = '', message = ''] = r.k;
        const at = r.v[0] ?? 0;
        const worse = (RANK[state] ?? 0) > (RANK[from_state] ?? 0);
        const score = !worse ? 0.3 : at >= w.from - 15 * MINUTE ? 0.8 : 0.5;
        const when = new Date(at).toISOString().slice(11, 16);
        return {
          kind: 'flag' as const,
          score,
          summary: `${feature} flag ${from_state} → ${state} at ${when} UTC${actor ? ` by ${actor}` : ''}${message ? `: ${message}` : ''}`,
          feature,
          from_state,
          state,
          at,
          ...(actor ? { actor } : {}),
          ...(message ? { message } : {}),
        };
      });
  },
};
