import type { AlertNotification, DeadLetter } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { nextVersion } from './version';

/** A dead letter and the history entries its notification carried. */
export interface DeadLetterRow extends DeadLetter {
  history_ids: string[];
}

/**
 * Writes dead letters, or newer versions of them (replayed).
 *
 * @example await writeDeadLetters(storage, [{ id, project, status: 'pending', … }])
 */
export async function writeDeadLetters(storage: Storage, rows: readonly DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await storage.client.insert({
    table: `${storage.database}.alert_dead_letters`,
    values: rows.map((d) => ({
      project: d.project,
      id: d.id,
      created_at: d.created_at,
      channels: d.channels,
      reason: d.reason,
      attempts: d.attempts,
      status: d.status,
      replayed_at: d.replayed_at ?? null,
      history_ids: d.history_ids,
      notification: JSON.stringify(d.notification),
      version: nextVersion(),
    })),
    format: 'JSONEachRow',
  });
}

/**
 * Dead letters, oldest first: of one project or every one (`project` undefined), pending,
 * replayed or both, optionally only the given IDs.
 *
 * @example await listDeadLetters(storage, { project: 'demo', status: 'pending' })
 */
export async function listDeadLetters(
  storage: Storage,
  options: { project?: string; status?: DeadLetter['status']; ids?: readonly string[]; limit?: number },
): Promise<DeadLetterRow[]> {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: options.limit ?? 1000 };
  if (options.project !== undefined) (where.push('project = {project:String}'), (params.project = options.project));
  if (options.status !== undefined) (where.push('status = {status:String}'), (params.status = options.status));
  if (options.ids !== undefined) (where.push('has({ids:Array(String)}, toString(id))'), (params.ids = options.ids));
  const rs = await storage.client.query({
    query: `
      SELECT project, id, toUnixTimestamp64Milli(created_at) AS created_ms, channels, reason, attempts, status,
             toUnixTimestamp64Milli(replayed_at) AS replayed_ms, history_ids, notification
      FROM ${storage.database}.alert_dead_letters FINAL
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at, id
      LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, unknown>>();
  return rows.map((r) => ({
    id: String(r.id),
    project: String(r.project),
    created_at: Number(r.created_ms),
    channels: r.channels as string[],
    reason: String(r.reason),
    attempts: Number(r.attempts),
    status: r.status === 'replayed' ? 'replayed' : 'pending',
    ...(r.replayed_ms === null || r.replayed_ms === undefined ? {} : { replayed_at: Number(r.replayed_ms) }),
    history_ids: r.history_ids as string[],
    notification: JSON.parse(String(r.notification)) as AlertNotification,
  }));
}

/**
 * How many dead letters wait for a replay (the `lifeline_alert_dead_letters` gauge).
 *
 * @example await countPendingDeadLetters(storage) // 2
 */
export async function countPendingDeadLetters(storage: Storage): Promise<number> {
  const rs = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.database}.alert_dead_letters FINAL WHERE status = 'pending'`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string }>();
  return Number(row?.n ?? 0);
}
