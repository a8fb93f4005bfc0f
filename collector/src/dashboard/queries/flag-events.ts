import type { Storage } from '../../storage/open-storage';

export interface LatestFlag {
  feature: string;
  state: string;
  message: string;
  since: number;
  actor: string;
}

/**
 * Each feature's newest `flag` event: its state now, as far as storage knows.
 *
 * @example await latestFlags(storage, 'demo') // [{ feature: 'checkout', state: 'ok', since: …, … }]
 */
export async function latestFlags(storage: Storage, project: string): Promise<LatestFlag[]> {
  const rs = await storage.client.query({
    query: `
      SELECT feature, argMax(state, ts) AS last_state, argMax(message, ts) AS last_message,
             toUnixTimestamp64Milli(max(ts)) AS since_ms, argMax(actor, ts) AS last_actor
      FROM (
        SELECT event_id, ts, feature, state, message, actor
        FROM ${storage.database}.events
        WHERE project = {project:String} AND kind = 'flag'
        LIMIT 1 BY event_id
      )
      GROUP BY feature
      ORDER BY feature`,
    query_params: { project },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    feature: String(r.feature),
    state: String(r.last_state),
    message: String(r.last_message),
    since: Number(r.since_ms),
    actor: String(r.last_actor),
  }));
}

export interface FlagChange {
  ts: number;
  feature: string;
  from_state: string;
  state: string;
  message: string;
  actor: string;
}

/**
 * Flag changes from `from` to `to` (epoch ms), oldest first.
 *
 * @example await flagChanges(storage, { project: 'demo', from, to })
 */
export async function flagChanges(storage: Storage, range: { project: string; from: number; to: number }): Promise<FlagChange[]> {
  const rs = await storage.client.query({
    query: `
      SELECT toUnixTimestamp64Milli(ts) AS ts_ms, feature, from_state, state, message, actor
      FROM ${storage.database}.events
      WHERE project = {project:String} AND kind = 'flag'
        AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
      ORDER BY ts, event_id
      LIMIT 1 BY event_id
      LIMIT 1000`,
    query_params: range,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    ts: Number(r.ts_ms),
    feature: String(r.feature),
    from_state: String(r.from_state),
    state: String(r.state),
    message: String(r.message),
    actor: String(r.actor),
  }));
}
