import { urlPath } from './url-path';

/**
 * Rows of calls to the store's backends, one per network event or backend log that names
 * its endpoint: `(event_id, ts, request_id, source, method, path, status, duration_ms,
 * failed)`. Browser calls give method, URL and status; backend logs give them in props
 * (`method`, `path`, `status`, `duration_ms`, as the demo store's `response …` lines do).
 * An error-level log without them still marks its request failed (`path` = ''), so callers
 * join it to the endpoint through the request ID. `path` is the raw path: callers apply
 * `pathTemplate` after grouping, to the few distinct paths rather than to every row.
 */
export function callRows(database: string, where: string): string {
  return `
    SELECT event_id, ts, request_id, 'browser' AS source, toString(method) AS method, ${urlPath('url')} AS path,
      toUInt16(status) AS status, duration_ms, status >= 500 OR status = 0 AS failed
    FROM ${database}.events
    WHERE kind = 'network' AND ${where}
    UNION ALL
    SELECT event_id, ts, request_id, 'backend' AS source, upper(JSONExtractString(props, 'method')) AS method,
      if(JSONHas(props, 'path'), ${urlPath("JSONExtractString(props, 'path')")}, '') AS path,
      toUInt16(JSONExtractUInt(props, 'status')) AS status, JSONExtractFloat(props, 'duration_ms') AS duration_ms,
      level IN ('error', 'fatal') OR status >= 500 AS failed
    FROM ${database}.events
    WHERE kind = 'log' AND ${where} AND (level IN ('error', 'fatal') OR JSONHas(props, 'status'))`;
}
