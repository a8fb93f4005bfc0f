import type { AlertHistoryEntry, AlertMessage } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { nextVersion } from './version';

/** One history row; `project` is the alert's. */
export type HistoryRow = AlertHistoryEntry;

/**
 * Writes history entries, or newer versions of them (same `id` and `at`, a new delivery).
 *
 * @example await writeHistory(storage, [{ id, at, kind: 'firing', alert, delivery: 'pending' }])
 */
export async function writeHistory(storage: Storage, entries: readonly HistoryRow[]): Promise<void> {
  if (entries.length === 0) return;
  await storage.client.insert({
    table: `${storage.database}.alert_history`,
    values: entries.map((e) => ({
      project: e.alert.project,
      id: e.id,
      at: e.at,
      kind: e.kind,
      alert_key: e.alert.key,
      alert: JSON.stringify(e.alert),
      delivery: e.delivery,
      channel: e.channel ?? '',
      version: nextVersion(),
    })),
    format: 'JSONEachRow',
  });
}

/**
 * A project's notifications, newest first.
 *
 * @example await listHistory(storage, 'demo', 100)
 */
export async function listHistory(storage: Storage, project: string, limit: number): Promise<HistoryRow[]> {
  const rs = await storage.client.query({
    query: `
      SELECT id, toUnixTimestamp64Milli(at) AS at_ms, kind, alert, delivery, channel
      FROM ${storage.database}.alert_history FINAL
      WHERE project = {project:String}
      ORDER BY at DESC, alert_key, id
      LIMIT {limit:UInt32}`,
    query_params: { project, limit },
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, string | number>>()).map(fromRow);
}

/**
 * History entries by ID (to write a newer version of them after a replay).
 *
 * @example await historyByIds(storage, ['0b8f…'])
 */
export async function historyByIds(storage: Storage, ids: readonly string[]): Promise<HistoryRow[]> {
  if (ids.length === 0) return [];
  const rs = await storage.client.query({
    query: `
      SELECT id, toUnixTimestamp64Milli(at) AS at_ms, kind, alert, delivery, channel
      FROM ${storage.database}.alert_history FINAL
      WHERE has({ids:Array(String)}, toString(id))`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, string | number>>()).map(fromRow);
}

function fromRow(r: Record<string, string | number>): HistoryRow {
  return {
    id: String(r.id),
    at: Number(r.at_ms),
    kind: r.kind as HistoryRow['kind'],
    alert: JSON.parse(String(r.alert)) as AlertMessage,
    delivery: r.delivery as HistoryRow['delivery'],
    ...(r.channel ? { channel: String(r.channel) } : {}),
  };
}
