import type { AlertMessage } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { nextVersion } from './version';

/** Where one alert stands: kept so a restart neither re-fires it nor forgets to resolve it. */
export interface AlertState {
  project: string;
  /** `<rule id>` or `<rule id>:<instance>`. */
  key: string;
  rule_id: string;
  status: 'firing' | 'resolved';
  started_at: number;
  last_sent_at: number;
  resolved_at?: number;
  /** The alert as last notified. */
  alert: AlertMessage;
}

/**
 * Every alert's newest state.
 *
 * @example const states = await loadAlertStates(storage) // [{ key: 'api-errors', status: 'firing', … }]
 */
export async function loadAlertStates(storage: Storage): Promise<AlertState[]> {
  const rs = await storage.client.query({
    query: `
      SELECT project, key, rule_id, status, toUnixTimestamp64Milli(started_at) AS started_ms,
             toUnixTimestamp64Milli(last_sent_at) AS sent_ms, toUnixTimestamp64Milli(resolved_at) AS resolved_ms, alert
      FROM ${storage.database}.alert_state FINAL`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number | null>>();
  return rows.map((r) => ({
    project: String(r.project),
    key: String(r.key),
    rule_id: String(r.rule_id),
    status: r.status === 'firing' ? 'firing' : 'resolved',
    started_at: Number(r.started_ms),
    last_sent_at: Number(r.sent_ms),
    ...(r.resolved_ms === null ? {} : { resolved_at: Number(r.resolved_ms) }),
    alert: JSON.parse(String(r.alert)) as AlertMessage,
  }));
}

/**
 * Writes new states (each replaces the earlier row of its key).
 *
 * @example await saveAlertStates(storage, [state])
 */
export async function saveAlertStates(storage: Storage, states: readonly AlertState[]): Promise<void> {
  if (states.length === 0) return;
  await storage.client.insert({
    table: `${storage.database}.alert_state`,
    values: states.map((s) => ({
      project: s.project,
      key: s.key,
      rule_id: s.rule_id,
      status: s.status,
      started_at: s.started_at,
      last_sent_at: s.last_sent_at,
      resolved_at: s.resolved_at ?? null,
      alert: JSON.stringify(s.alert),
      version: nextVersion(),
    })),
    format: 'JSONEachRow',
  });
}
