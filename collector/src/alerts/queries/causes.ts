import type { Storage } from '../../storage/open-storage';
import { callsSubquery, type CallSource } from './calls';

export interface FailingEndpoint {
  source: CallSource;
  method: string;
  path: string;
  requests: number;
  failed: number;
  /** A failed call's request ID, for a timeline link. */
  sample_request_id: string;
}

export interface TopErrorGroup {
  /** The fingerprint, or `<type>: <message>` without one. */
  key: string;
  message: string;
  count: number;
  sessions: number;
  sample_session_id: string;
}

interface Range {
  project: string;
  from: number;
  to: number;
}

/**
 * The endpoints with the most failed calls (status 0 or ≥ 500) in the range, from the
 * browser's and the backend's view, most failures first.
 *
 * @example await failingEndpoints(storage, { project: 'demo', from, to }, 3)
 */
export async function failingEndpoints(storage: Storage, range: Range, limit: number): Promise<FailingEndpoint[]> {
  const network = callsSubquery(storage.database, 'network', {});
  const backend = callsSubquery(storage.database, 'backend', {});
  const rs = await storage.client.query({
    query: `
      SELECT source, method, path, count() AS requests, countIf(failed) AS failures, anyIf(request_id, failed) AS sample_request_id
      FROM (
        SELECT 'network' AS source, method, path, failed, request_id FROM (${network.sql})
        UNION ALL
        SELECT 'backend' AS source, method, path, failed, request_id FROM (${backend.sql})
      )
      GROUP BY source, method, path
      HAVING failures > 0 AND path != ''
      ORDER BY failures DESC, source, method, path
      LIMIT {limit:UInt32}`,
    query_params: { ...range, limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    source: r.source as CallSource,
    method: String(r.method),
    path: String(r.path),
    requests: Number(r.requests),
    failed: Number(r.failures),
    sample_request_id: String(r.sample_request_id),
  }));
}

/**
 * The most frequent JavaScript error groups in the range (by fingerprint, else type and
 * message), most occurrences first.
 *
 * @example await topErrorGroups(storage, { project: 'demo', from, to }, 3)
 */
export async function topErrorGroups(storage: Storage, range: Range, limit: number): Promise<TopErrorGroup[]> {
  const rs = await storage.client.query({
    query: `
      SELECT if(fingerprint != '', fingerprint, concat(error_type, ': ', message)) AS key,
             argMax(message, ts) AS last_message, count() AS n, uniqExact(session_id) AS sessions,
             argMax(session_id, ts) AS sample_session_id
      FROM (
        SELECT event_id, ts, fingerprint, error_type, message, session_id
        FROM ${storage.database}.events
        WHERE project = {project:String} AND kind = 'error'
          AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
        LIMIT 1 BY event_id
      )
      GROUP BY key
      ORDER BY n DESC, key
      LIMIT {limit:UInt32}`,
    query_params: { ...range, limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    key: String(r.key),
    message: String(r.last_message),
    count: Number(r.n),
    sessions: Number(r.sessions),
    sample_session_id: String(r.sample_session_id),
  }));
}
