import type { BackendLog, StoredEvent } from '@lifeline/protocol';
import { deriveEventId } from './derive-event-id';

/**
 * A validated backend log record as a `log` event: `timestamp` (epoch ms or ISO 8601) →
 * ts, `attributes` → props, the IDs as they are, the project from the ingest token and
 * `received_at` from the collector's clock. Without an `event_id`, one is derived from the
 * project and the record's content, so a record sent twice is stored once.
 *
 * @example backendLogToEvent({ timestamp: Date.now(), level: 'info', message: 'order paid' }, 'demo', Date.now())
 */
export function backendLogToEvent(record: BackendLog, project: string, receivedAt: number): StoredEvent {
  const { event_id, timestamp, attributes, ...fields } = record;
  // An ISO time before 1970 parses to a negative number; the clock guard stores such an
  // event at received_at and keeps the value in client_ts.
  const ts = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
  const content = { ...fields, ts, ...(attributes ? { props: attributes } : {}) };
  return {
    kind: 'log',
    event_id: event_id ?? deriveEventId(project, content),
    ...content,
    project,
    received_at: receivedAt,
  } as StoredEvent;
}
