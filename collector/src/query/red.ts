import type { RedQuery, RedResponse } from '@lifeline/protocol';
import type { Storage } from '../storage/open-storage';
import { resolveRange } from './range';
import { callRows } from './sql/endpoint';
import { pathTemplate } from './sql/url-path';
import { createParams } from './sql/params';
import { selectRows } from './sql/run';

interface Row {
  source: 'browser' | 'backend';
  method: string;
  path: string;
  requests: number | string;
  errors: number | string;
  p50: number | string;
  p95: number | string;
  p99: number | string;
}

/**
 * Rate, errors and duration per endpoint and source: the browser's view (network events,
 * the call as the shopper waited for it) and the backend's (logs carrying status and
 * duration). Percentiles are `quantileExactInclusive` over the range's calls, each call
 * once (de-duplicated by event_id).
 *
 * @example await queryRed(storage, 'demo', RedQuery.parse({ source: 'backend' }), Date.now())
 */
export async function queryRed(storage: Storage, project: string, q: RedQuery, now: number): Promise<RedResponse> {
  const range = resolveRange(q, { now });
  const p = createParams();
  const where = `project = ${p.add('String', project)} AND ${p.tsRange(range.from, range.to)}`;
  const source = q.source === 'all' ? '' : `AND source = ${p.add('String', q.source)}`;
  const path = q.path === undefined ? '' : `AND positionCaseInsensitiveUTF8(path, ${p.add('String', q.path)}) > 0`;
  // Grouped by raw path first, so the path template (regular expressions) runs once per
  // distinct path; quantile states then merge per template.
  const rows = await selectRows<Row>(
    storage,
    `SELECT source, method, ${pathTemplate('raw')} AS path, sum(n) AS requests, sum(e) AS errors,
       quantilesExactInclusiveMerge(0.5, 0.95, 0.99)(d) AS q, q[1] AS p50, q[2] AS p95, q[3] AS p99
     FROM (
       SELECT source, method, path AS raw, count() AS n, countIf(status >= 500 OR status = 0) AS e,
         quantilesExactInclusiveState(0.5, 0.95, 0.99)(duration_ms) AS d
       FROM (
         SELECT * FROM (${callRows(storage.database, where)})
         WHERE path != '' AND (status != 0 OR source = 'browser')
         LIMIT 1 BY event_id
       )
       GROUP BY source, method, raw
     )
     WHERE 1 ${source} ${path}
     GROUP BY source, method, path
     ORDER BY requests DESC, path, method, source
     LIMIT ${p.add('UInt32', q.limit)}`,
    p,
  );
  const minutes = (range.to - range.from) / 60_000;
  const ms = (x: number | string) => Math.round(Number(x) * 10) / 10;
  return {
    project,
    ...range,
    endpoints: rows.map((r) => ({
      source: r.source,
      method: r.method,
      path: r.path,
      requests: Number(r.requests),
      rate_per_min: Math.round((Number(r.requests) / minutes) * 1000) / 1000,
      errors: Number(r.errors),
      error_rate: Number(r.requests) > 0 ? Number(r.errors) / Number(r.requests) : 0,
      p50: ms(r.p50),
      p95: ms(r.p95),
      p99: ms(r.p99),
    })),
  };
}
