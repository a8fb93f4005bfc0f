import type { AlertFilter } from '@lifeline/protocol';
import { callRows } from '../../query/sql/endpoint';

/** Where calls come from: the browser's `network` events, or the backend's request logs. */
export type CallSource = 'network' | 'backend';

/** `callRows` names the browser's side `browser`; rules name it after its events, `network`. */
const ROW_SOURCE: Record<CallSource, string> = { network: 'browser', backend: 'backend' };

/**
 * A subquery of the calls of `project` from `{from}` (inclusive, epoch ms) to `{to}`
 * (exclusive) of one source that match `filter`, each once (`LIMIT 1 BY event_id`), with
 * the columns `ts`, `status`, `method`, `path` (the endpoint template the RED query shows,
 * `/api/orders/{id}`), `request_id`, `failed` (status 0 or ≥ 500, or an error log) and
 * `ms`: the duration, NaN where none is known (an error log that names no endpoint).
 * What a call is, is the query API's definition (`callRows`), so alerts count what RED shows.
 *
 * @example const { sql, params } = callsSubquery(db, 'network', { path_prefix: '/api/' })
 */
export function callsSubquery(database: string, source: CallSource, filter: AlertFilter): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [`source = '${ROW_SOURCE[source]}'`];
  const params: Record<string, unknown> = {};
  if (filter.path !== undefined) (where.push('path = {f_path:String}'), (params.f_path = filter.path));
  if (filter.path_prefix !== undefined) (where.push('startsWith(path, {f_prefix:String})'), (params.f_prefix = filter.path_prefix));
  if (filter.method !== undefined) (where.push('method = {f_method:String}'), (params.f_method = filter.method));
  const rows = callRows(database, "project = {project:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')");
  const sql = `
    SELECT event_id, ts, status, method, path, request_id, failed, if(path = '', nan, duration_ms) AS ms
    FROM (${rows})
    WHERE ${where.join(' AND ')}
    LIMIT 1 BY event_id`;
  return { sql, params };
}
