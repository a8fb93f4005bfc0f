import type { BrowserEvent } from '@lifeline/protocol';
import { byteLength } from '../lib/byteLength.js';

/** What the transport keeps per queued event. */
export interface QueuedEvent {
  /** The event_id, to match an event between the queue and storage. */
  id: string;
  /** The event serialised once, so retries send exactly the same bytes and event_id. */
  json: string;
  bytes: number;
  attempts: number;
}

/** Serialises an event for the queue. Throws what JSON.stringify throws. */
export function toQueued(event: BrowserEvent): QueuedEvent {
  const json = JSON.stringify(event);
  return { id: event.event_id, json, bytes: byteLength(json), attempts: 0 };
}
