import { QUERY_LIMITS, type ErrorGroup, type ErrorsQuery, type ErrorsResponse } from '@lifeline/protocol';
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
 * keeps them together per day), so a group that is new shows as new.
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
  const [starts, firsts] = await Promise.all([bucketStarts(storage, range, interval), firstSeen(storage, project, groups.map((g) => g.key), range.to, now)]);
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
