import { MAX_AFFECTED_USERS, QUERY_LIMITS, type AffectedUser, type ErrorGroup, type ErrorsQuery, type ErrorsResponse } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { bucketStart, bucketStarts, defaultInterval } from '../buckets';
import { resolveRange } from '../range';
import { createParams } from '../sql/params';
import { selectRows } from '../sql/run';
import { errorKey } from './error-key';

interface GroupRow {
  key: string;
  fingerprint: string;
  error_type: string;
  count: number | string;
  users: number | string;
  sessions: number | string;
  last_seen: number | string;
  /** Each release with its latest occurrence. */
  releases: [string[], (number | string)[]];
  sample: [string, number | string, string, string, string, string, string];
  trend: [(number | string)[], (number | string)[]];
}

/**
 * Error groups, most frequent first: count, users and sessions affected, releases, the
 * latest occurrence (message, stack, session and request for the timeline link) and a
 * trend per bucket, from one statement over the range's errors de-duplicated by event_id.
 * `first_seen` looks back over the whole retention (errors are few, and the sorting key
 * keeps them together per day), so a group that is new shows as new; who each group hit
 * most recently is read alongside it.
 *
 * @example await queryErrorGroups(storage, 'demo', ErrorsQuery.parse({ limit: '20' }), Date.now())
 */
export async function queryErrorGroups(storage: Storage, project: string, q: ErrorsQuery, now: number): Promise<ErrorsResponse> {
  const range = resolveRange(q, { now });
  const interval = q.interval ?? defaultInterval(range);
  const p = createParams();
  const proj = p.add('String', project);
  const release = q.release === undefined ? '' : `AND release = ${p.add('String', q.release)}`;
  const bucket = bucketStart(interval, 'ts', `'UTC'`);
  const groups = await selectRows<GroupRow>(
    storage,
    `SELECT key, any(fingerprint) AS fingerprint, toString(any(error_type)) AS error_type, count() AS count,
       uniqExactIf(if(user_id != '', user_id, anon_id), user_id != '' OR anon_id != '') AS users,
       uniqExactIf(session_id, session_id != '') AS sessions,
       toUnixTimestamp64Milli(max(ts)) AS last_seen,
       maxMapIf([toString(release)], [toUnixTimestamp64Milli(ts)], release != '') AS releases,
       argMax((toString(event_id), toUnixTimestamp64Milli(ts), message, stack, url, session_id, request_id), ts) AS sample,
       sumMap([b], [toUInt64(1)]) AS trend
     FROM (
       SELECT ${errorKey()} AS key, fingerprint, error_type, event_id, ts, user_id, anon_id, session_id, release,
         message, stack, url, request_id, toUnixTimestamp(${bucket}) * 1000 AS b
       FROM ${storage.database}.events
       WHERE project = ${proj} AND kind = 'error' AND ${p.tsRange(range.from, range.to)} ${release}
       LIMIT 1 BY event_id
     )
     GROUP BY key
     ORDER BY count DESC, key
     LIMIT ${p.add('UInt32', q.limit)}`,
    p,
  );
  const keys = groups.map((g) => g.key);
  const [starts, firsts, affected] = await Promise.all([
    bucketStarts(storage, range, interval),
    firstSeen(storage, project, keys, range.to, now),
    affectedUsers(storage, { project, keys, range, release: q.release }),
  ]);
  const index = new Map(starts.map((t, i) => [t, i]));
  return {
    project,
    ...range,
    interval,
    buckets: starts,
    groups: groups.map((g): ErrorGroup => {
      const trend = starts.map(() => 0);
      g.trend[0].forEach((t, j) => {
        const i = index.get(Number(t));
        if (i !== undefined) trend[i] = Number(g.trend[1][j]);
      });
      const releases = g.releases[0]
        .map((r, j) => ({ r, at: Number(g.releases[1][j]) }))
        .sort((a, b) => b.at - a.at)
        .map((x) => x.r);
      const [event_id, ts, message, stack, url, session_id, request_id] = g.sample;
      return {
        key: g.key,
        fingerprint: g.fingerprint,
        error_type: g.error_type,
        message,
        count: Number(g.count),
        users: Number(g.users),
        affected_users: affected.get(g.key) ?? [],
        sessions: Number(g.sessions),
        first_seen: firsts.get(g.key) ?? Number(ts),
        last_seen: Number(g.last_seen),
        releases: releases.slice(0, 10),
        sample: { event_id, ts: Number(ts), message, stack, url, session_id, request_id },
        trend,
      };
    }),
  };
}

/** First occurrence of each group within the retention (the longest range a query may cover). */
async function firstSeen(storage: Storage, project: string, keys: string[], to: number, now: number): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const p = createParams();
  const rows = await selectRows<{ key: string; first: number | string }>(
    storage,
    `SELECT key, toUnixTimestamp64Milli(min(ts)) AS first
     FROM (
       SELECT ${errorKey()} AS key, ts FROM ${storage.database}.events
       WHERE project = ${p.add('String', project)} AND kind = 'error'
         AND ${p.tsRange(now - QUERY_LIMITS.maxRangeDays * 86_400_000, to)}
     )
     WHERE key IN ${p.add('Array(String)', keys)}
     GROUP BY key`,
    p,
  );
  return new Map(rows.map((r) => [r.key, Number(r.first)]));
}

/**
 * Per group, the users (or anonymous visitors, by `anon_id`) it hit within the range, the
 * most recently hit first, at most `MAX_AFFECTED_USERS` each.
 */
async function affectedUsers(
  storage: Storage,
  o: { project: string; keys: string[]; range: { from: number; to: number }; release: string | undefined },
): Promise<Map<string, AffectedUser[]>> {
  if (o.keys.length === 0) return new Map();
  const p = createParams();
  const release = o.release === undefined ? '' : `AND release = ${p.add('String', o.release)}`;
  const rows = await selectRows<{ key: string; who: string; anonymous: number | boolean; n: number | string; last: number | string; session: string }>(
    storage,
    `SELECT key, who, anonymous, count() AS n, toUnixTimestamp64Milli(max(ts)) AS last, argMax(session_id, ts) AS session
     FROM (
       SELECT ${errorKey()} AS key, if(user_id != '', user_id, anon_id) AS who, user_id = '' AS anonymous, event_id, ts, session_id
       FROM ${storage.database}.events
       WHERE project = ${p.add('String', o.project)} AND kind = 'error' AND ${p.tsRange(o.range.from, o.range.to)} ${release}
         AND (user_id != '' OR anon_id != '')
       LIMIT 1 BY event_id
     )
     WHERE key IN ${p.add('Array(String)', o.keys)}
     GROUP BY key, who, anonymous
     ORDER BY key, last DESC, who
     LIMIT ${p.add('UInt32', MAX_AFFECTED_USERS)} BY key`,
    p,
  );
  const out = new Map<string, AffectedUser[]>();
  for (const r of rows) {
    const list = out.get(r.key) ?? [];
    out.set(r.key, list);
    list.push({ id: r.who, anonymous: Boolean(Number(r.anonymous)), count: Number(r.n), last_seen: Number(r.last), session_id: r.session });
  }
  return out;
}
