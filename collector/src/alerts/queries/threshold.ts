import type { ThresholdRule } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { pathTemplate, urlPath } from '../../query/sql/url-path';
import { callsSubquery } from './calls';

/** What a threshold rule measured over its window. */
export interface Measurement {
  /** Calls (or events) in the window. */
  count: number;
  /** The rule's metric; undefined when nothing could be measured (no calls with a duration). */
  value: number | undefined;
}

/** An event's page as an endpoint template, as calls are filtered. */
const PATH = pathTemplate(urlPath('url'));

const QUANTILE: Record<string, number> = { latency_p50: 0.5, latency_p90: 0.9, latency_p95: 0.95, latency_p99: 0.99 };

/**
 * Measures a threshold rule's metric over `[now − window, now)`.
 *
 * @example await measureThreshold(storage, rule, 'demo', Date.now()) // { count: 120, value: 0.35 }
 */
export async function measureThreshold(storage: Storage, rule: ThresholdRule, project: string, now: number): Promise<Measurement> {
  const range = { project, from: now - rule.window, to: now };
  if (rule.source === 'events') return countEvents(storage, rule, range);

  const { sql, params } = callsSubquery(storage.database, rule.source, rule.filter);
  const q = QUANTILE[rule.metric];
  // Percentiles interpolate linearly between closest ranks, as the RED query does; calls
  // without a known duration (backend logs without one) are left out of them.
  const select =
    q === undefined
      ? 'count() AS n, countIf(failed) AS failures'
      : `count() AS n, countIf(failed) AS failures, countIf(NOT isNaN(ms)) AS timed,
         quantileExactInclusiveIf(${q})(ms, NOT isNaN(ms)) AS quantile`;
  const rs = await storage.client.query({
    query: `SELECT ${select} FROM (${sql})`,
    query_params: { ...range, ...params },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string; failures: number | string; timed?: number | string; quantile?: number }>();
  const n = Number(row?.n ?? 0);
  if (rule.metric === 'requests') return { count: n, value: n };
  if (rule.metric === 'error_rate') return { count: n, value: n > 0 ? Number(row!.failures) / n : undefined };
  const timed = Number(row?.timed ?? 0);
  return { count: timed, value: timed > 0 ? Number(row!.quantile) : undefined };
}

async function countEvents(storage: Storage, rule: ThresholdRule, range: { project: string; from: number; to: number }): Promise<Measurement> {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const { kind, event, feature, path, path_prefix } = rule.filter;
  if (kind !== undefined) (where.push('kind = {f_kind:String}'), (params.f_kind = kind));
  if (event !== undefined) (where.push("kind = 'track' AND name = {f_event:String}"), (params.f_event = event));
  if (feature !== undefined) (where.push('feature = {f_feature:String}'), (params.f_feature = feature));
  if (path !== undefined) (where.push(`${PATH} = {f_path:String}`), (params.f_path = path));
  if (path_prefix !== undefined) (where.push(`startsWith(${PATH}, {f_prefix:String})`), (params.f_prefix = path_prefix));
  const rs = await storage.client.query({
    query: `
      SELECT uniqExact(event_id) AS n
      FROM ${storage.database}.events
      WHERE project = {project:String}
        AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
        ${where.map((w) => `AND ${w}`).join(' ')}`,
    query_params: { ...range, ...params },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string }>();
  const n = Number(row?.n ?? 0);
  return { count: n, value: n };
}
