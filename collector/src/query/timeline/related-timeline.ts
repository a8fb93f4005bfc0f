import {
  QUERY_LIMITS,
  normalizeEmail,
  type QueryRange,
  type QueryTimelineQuery,
  type QueryTimelineResponse,
  type StoredEvent,
  type TimelineVia,
} from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { EVENT_SELECT, eventFromRow } from '../../storage/event-row';
import { resolveRange } from '../range';
import { createParams, type SqlParams } from '../sql/params';
import { selectRows } from '../sql/run';
import { guessBy, BY_COLUMN, type ResolvedBy } from './guess-by';
import { usersByEmail } from './users-by-email';

interface Found {
  event: StoredEvent;
  via: TimelineVia;
}

/** One branch of a lookup: events whose `column` is one of `ids`, within `range`. */
interface Branch {
  via: TimelineVia;
  column: 'session_id' | 'request_id' | 'user_id' | 'order_id' | 'trace_id' | 'flag';
  ids: readonly string[];
  range: QueryRange;
}

/**
 * The timeline of one request, session, user, order, trace or email, with what surrounds it:
 *
 * - an email stands for the users it was identified with (`usersByEmail`), looked up
 *   together as users, and named in `user_ids`;
 * - every request found brings its backend logs (by request ID);
 * - a request or trace brings the browser events of its sessions from `around` before
 *   its first event to `around` after its last; a user or an order brings its sessions
 *   whole (found through its events), with the logs of the requests they made;
 * - the project's flag changes over the time covered (± `around`).
 *
 * Each step is one statement whose branches each use their own bloom-filter index
 * (`UNION ALL`, since an OR across columns would defeat the indexes); events are
 * de-duplicated by event_id and returned oldest first, up to `limit`.
 *
 * @example await queryRelatedTimeline(storage, 'demo', QueryTimelineQuery.parse({ id: 'FT-123456' }), Date.now())
 */
export async function queryRelatedTimeline(storage: Storage, project: string, q: QueryTimelineQuery, now: number): Promise<QueryTimelineResponse> {
  const range = resolveRange(q, { now, defaultDays: QUERY_LIMITS.timelineDefaultDays });
  const by: ResolvedBy = q.by === 'auto' ? await guessBy(storage, project, q.id, range) : q.by;
  const found = new Map<string, Found>();
  const take = (rows: Found[]) => {
    for (const f of rows) if (!found.has(f.event.event_id)) found.set(f.event.event_id, f);
  };
  const fetch = (branches: Branch[]) => fetchBranches(storage, project, branches, q.limit + 1);

  const userIds = by === 'email' ? await usersByEmail(storage, { project, email: q.id, to: range.to }) : undefined;
  take(await fetch([{ via: 'match', column: BY_COLUMN[by], ids: userIds ?? [q.id], range }]));
  if (q.related && found.size > 0) {
    const direct = [...found.values()].map((f) => f.event);
    const span = spanOf(direct, q.around, range);
    // A user's or an order's sessions are read whole, and may make requests of their own:
    // their logs and the flags over their span take a third step.
    const wholeSessions = by === 'user' || by === 'order' || by === 'email';
    const sessions = by === 'session' ? [] : idsOf(direct, 'session_id');
    take(
      await fetch([
        { via: 'session', column: 'session_id', ids: sessions, range: wholeSessions ? range : span },
        { via: 'request', column: 'request_id', ids: idsOf(direct, 'request_id'), range },
        ...(wholeSessions ? [] : [{ via: 'flag' as const, column: 'flag' as const, ids: [], range: span }]),
      ]),
    );
    if (wholeSessions) {
      const all = [...found.values()].map((f) => f.event);
      const known = new Set(idsOf(direct, 'request_id'));
      take(
        await fetch([
          { via: 'request', column: 'request_id', ids: idsOf(all, 'request_id').filter((r) => !known.has(r)), range },
          { via: 'flag', column: 'flag', ids: [], range: spanOf(all, q.around, range) },
        ]),
      );
    }
  }

  const ordered = [...found.values()].sort((a, b) => a.event.ts - b.event.ts || a.event.event_id.localeCompare(b.event.event_id));
  const shown = ordered.slice(0, q.limit);
  const events = shown.map((f) => f.event);
  return {
    project,
    by,
    id: by === 'email' ? normalizeEmail(q.id) : q.id,
    ...range,
    ...(userIds ? { user_ids: userIds } : {}),
    events,
    sessions: idsOf(events, 'session_id'),
    request_ids: idsOf(events, 'request_id'),
    via: Object.fromEntries(shown.map((f) => [f.event.event_id, f.via])),
    truncated: ordered.length > q.limit,
  };
}

/** When an event is found by several branches, the reason shown is the most specific. */
const VIA_RANK: Record<TimelineVia, number> = { match: 0, request: 1, session: 2, flag: 3 };

async function fetchBranches(storage: Storage, project: string, branches: Branch[], limit: number): Promise<Found[]> {
  const p = createParams();
  const proj = p.add('String', project);
  const parts = branches
    .filter((b) => b.column === 'flag' || b.ids.length > 0)
    .map((b) => `SELECT ${p.add('String', b.via)} AS via, ${VIA_RANK[b.via]} AS via_rank, ${EVENT_SELECT} FROM ${storage.database}.events
      WHERE project = ${proj} AND ${branchWhere(b, p)} AND ${p.tsRange(b.range.from, b.range.to)}`);
  if (parts.length === 0) return [];
  const rows = await selectRows<Record<string, unknown> & { via: TimelineVia }>(
    storage,
    `SELECT * FROM (${parts.join('\nUNION ALL\n')}) ORDER BY ts_ms, event_id, via_rank LIMIT 1 BY event_id LIMIT ${p.add('UInt32', limit)}`,
    p,
  );
  return rows.map((r) => ({ event: eventFromRow(r), via: r.via }));
}

function branchWhere(b: Branch, p: SqlParams): string {
  if (b.column === 'flag') return `kind = 'flag'`;
  const ids = b.ids.slice(0, 1000);
  // The column is one of a fixed set (typed above); values are parameters.
  return ids.length === 1 ? `${b.column} = ${p.add('String', ids[0])}` : `${b.column} IN ${p.add('Array(String)', ids)}`;
}

const idsOf = (events: readonly StoredEvent[], key: 'session_id' | 'request_id'): string[] => {
  const out = new Set<string>();
  for (const e of events) {
    const v = (e as Record<string, unknown>)[key];
    if (typeof v === 'string' && v !== '') out.add(v);
  }
  return [...out];
};

/** From `around` before the first event to `around` after the last, within the range. */
function spanOf(events: readonly StoredEvent[], around: number, range: QueryRange): QueryRange {
  const times = events.map((e) => e.ts);
  return {
    from: Math.max(range.from, Math.min(...times) - around),
    to: Math.min(range.to, Math.max(...times) + around + 1),
  };
}
