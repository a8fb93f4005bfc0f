import { isEmailAddress, type QueryRange, type TimelineBy } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { createParams } from '../sql/params';
import { selectRows } from '../sql/run';

export type ResolvedBy = Exclude<TimelineBy, 'auto'>;

/** The column each lookup reads (an email is looked up through the users it was identified with). */
export const BY_COLUMN = {
  request: 'request_id',
  session: 'session_id',
  user: 'user_id',
  order: 'order_id',
  trace: 'trace_id',
  email: 'user_id',
} as const satisfies Record<ResolvedBy, string>;

/** Order in which an ID of unknown kind is tried: the narrower lookups first. */
const PROBE_ORDER: Exclude<ResolvedBy, 'email'>[] = ['request', 'session', 'order', 'user', 'trace'];

/**
 * What an ID probably is. A W3C trace ID (32 lowercase hex) is a trace. Otherwise each
 * lookup column is probed (one statement, each branch on its own bloom filter) and the
 * first of request, session, order, user, trace that has the ID wins; with no match at
 * all, by shape: an email address is an email, `FT-123456`-like IDs are orders, anything
 * else a request.
 *
 * @example await guessBy(storage, 'demo', 'FT-123456', range) // 'order'
 */
export async function guessBy(storage: Storage, project: string, id: string, range: QueryRange): Promise<ResolvedBy> {
  if (/^[0-9a-f]{32}$/.test(id)) return 'trace';
  const p = createParams();
  const proj = p.add('String', project);
  const value = p.add('String', id);
  const from = p.time(range.from);
  const to = p.time(range.to);
  const rows = await selectRows<{ by: ResolvedBy }>(
    storage,
    PROBE_ORDER.map(
      (by) => `SELECT '${by}' AS by FROM (SELECT 1 FROM ${storage.database}.events
        WHERE project = ${proj} AND ${BY_COLUMN[by]} = ${value} AND ts >= ${from} AND ts < ${to} LIMIT 1)`,
    ).join('\nUNION ALL\n'),
    p,
  );
  const hits = new Set(rows.map((r) => r.by));
  return PROBE_ORDER.find((by) => hits.has(by)) ?? (isEmailAddress(id) ? 'email' : /^[A-Za-z]{1,6}-?\d{3,}$/.test(id) ? 'order' : 'request');
}
