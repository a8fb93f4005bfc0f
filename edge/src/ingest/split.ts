import { BrowserEvent, describeIssues, type Enrichment, type IngestResponse, type StoredEvent } from '@lifeline/protocol';
import { scrubAccepted } from './scrub';

export interface AcceptedEvent {
  /** Position in the SDK batch's `events`, for reporting. */
  index: number;
  event: StoredEvent;
}

export interface SplitEvents {
  accepted: AcceptedEvent[];
  rejected: IngestResponse['rejected'];
}

/**
 * Validates each event on its own, so one bad event costs only itself. Valid events are
 * scrubbed of personal data (`scrubAccepted`) and enriched; the enrichment is spread last
 * so a client cannot set its own `project` or `received_at` (zod also strips unknown keys
 * from the parsed event), and comes after scrubbing since it holds no personal data.
 */
export function splitEvents(events: readonly unknown[], enrichment: Enrichment): SplitEvents {
  const accepted: AcceptedEvent[] = [];
  const rejected: IngestResponse['rejected'] = [];
  events.forEach((raw, index) => {
    const parsed = BrowserEvent.safeParse(raw);
    if (!parsed.success) return void rejected.push({ index, reason: describeIssues(parsed.error).reason });
    const clean = scrubAccepted(parsed.data);
    if (clean.ok) accepted.push({ index, event: { ...clean.event, ...enrichment } });
    else rejected.push({ index, reason: clean.reason });
  });
  return { accepted, rejected };
}

/**
 * Moves events whose JSON is larger than `maxBytes` from accepted to rejected, keeping
 * `rejected` ordered by index. The edge applies `LIMITS.eventBytes`, which one Cloudflare
 * Queue message (128 KB) holds, whether or not a queue is bound.
 */
export function rejectOversize(split: SplitEvents, maxBytes: number): SplitEvents {
  const encoder = new TextEncoder();
  const accepted: AcceptedEvent[] = [];
  const rejected = [...split.rejected];
  for (const item of split.accepted) {
    const size = encoder.encode(JSON.stringify(item.event)).byteLength;
    if (size <= maxBytes) accepted.push(item);
    else rejected.push({ index: item.index, reason: `event is ${size} bytes; at most ${maxBytes} bytes an event are forwarded` });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, rejected };
}
