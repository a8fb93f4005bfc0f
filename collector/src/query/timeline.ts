import type { StoredEvent, TimelineKey } from '@lifeline/protocol';
import { EVENT_SELECT, eventFromRow } from '../storage/event-row';
import type { Storage } from '../storage/open-storage';

/** One timeline lookup: events of `project` whose `key` column equals `id`. */
export interface TimelineLookup {
  project: string;
  key: TimelineKey;
  id: string;
  limit: number;
}

/**
 * The WHERE clause per lookup key. Column names cannot be query parameters in every
 * ClickHouse version, so each key maps to a fixed clause; values are always parameters.
 */
const WHERE: Record<TimelineKey, string> = {
  session_id: 'session_id = {id:String}',
  request_id: 'request_id = {id:String}',
  user_id: 'user_id = {id:String}',
  order_id: 'order_id = {id:String}',
  trace_id: 'trace_id = {id:String}',
};

/**
 * Reads a timeline, oldest first. `LIMIT 1 BY event_id` keeps one copy of each event
 * whether or not ReplacingMergeTree has merged the duplicates yet, so a retried batch
 * shows each event once as soon as it is acknowledged.
 *
 * @example await queryTimeline(storage, { project: 'demo', key: 'order_id', id: '8812', limit: 1000 })
 */
export async function queryTimeline(storage: Storage, lookup: TimelineLookup): Promise<StoredEvent[]> {
  const rs = await storage.client.query({
    query: `
      SELECT ${EVENT_SELECT}
      FROM ${storage.database}.events
      WHERE project = {project:String} AND ${WHERE[lookup.key]}
      ORDER BY ts, event_id
      LIMIT 1 BY event_id
      LIMIT {limit:UInt32}`,
    query_params: { project: lookup.project, id: lookup.id, limit: lookup.limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, unknown>>();
  return rows.map(eventFromRow);
}
