import type { SloRule } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { callsSubquery } from './calls';

/** Calls and bad calls in one window ending now. */
export interface WindowCount {
  total: number;
  bad: number;
}

/**
 * Counts an SLO's calls and bad calls in each of `windows` (ms, each ending at `now`) in
 * one pass over the longest. Bad is a failed call (status 0 or ≥ 500) for availability,
 * and a call at or over the threshold for latency (calls of unknown duration are left out).
 *
 * @example await countWindows(storage, rule, 'demo', [300_000, 3_600_000], now) // Map { 300000 => { total, bad }, … }
 */
export async function countWindows(storage: Storage, rule: SloRule, project: string, windows: readonly number[], now: number): Promise<Map<number, WindowCount>> {
  const sorted = [...new Set(windows)].sort((a, b) => a - b);
  const longest = sorted[sorted.length - 1] ?? 0;
  const { sql, params } = callsSubquery(storage.database, rule.source, rule.filter);
  const latency = rule.sli === 'latency';
  const bad = latency ? 'ms >= {threshold:Float64}' : 'failed';
  const counted = latency ? 'NOT isNaN(ms)' : '1';
  const windowParams: Record<string, unknown> = {};
  const columns = sorted.map((w, i) => {
    windowParams[`w${i}`] = now - w;
    const inWindow = `ts >= fromUnixTimestamp64Milli({w${i}:Int64}, 'UTC')`;
    return `countIf(${inWindow} AND ${counted}) AS total_${i}, countIf(${inWindow} AND ${counted} AND ${bad}) AS bad_${i}`;
  });
  const rs = await storage.client.query({
    query: `SELECT ${columns.join(', ')} FROM (${sql})`,
    query_params: { project, from: now - longest, to: now, threshold: rule.latency_threshold_ms ?? 0, ...params, ...windowParams },
    format: 'JSONEachRow',
  });
  const [row = {}] = await rs.json<Record<string, number | string>>();
  return new Map(sorted.map((w, i) => [w, { total: Number(row[`total_${i}`] ?? 0), bad: Number(row[`bad_${i}`] ?? 0) }]));
}
