import { LIMITS, type CollectorBatch, type StoredEvent } from '@lifeline/protocol';
import { log } from '../log';
import type { ForwardResult } from './result';

/**
 * Cloudflare Queues take messages of at most 128 KB and `sendBatch` calls of at most
 * 256 KB and 100 messages (https://developers.cloudflare.com/queues/platform/limits/).
 * These budgets leave room for the envelope and the queue's own metadata.
 */
export const QUEUE_MESSAGE_BYTES = 120_000;
const SEND_BATCH_BYTES = 240_000;
const SEND_BATCH_MESSAGES = 100;
/** Largest single event that fits a message next to the `CollectorBatch` envelope. */
const QUEUE_EVENT_BYTES = QUEUE_MESSAGE_BYTES - 256;
// The edge refuses events over LIMITS.eventBytes before forwarding, so each fits a message.
if (LIMITS.eventBytes > QUEUE_EVENT_BYTES) throw new Error('LIMITS.eventBytes must fit one queue message');

/** Retry-After given to the SDK when the queue refused a send (seconds). */
const QUEUE_RETRY_AFTER_S = 5;

interface Sized<T> {
  item: T;
  bytes: number;
}

const encoder = new TextEncoder();

/**
 * Splits a batch into batches whose events fit one queue message each. A batch that
 * fits already is returned as is; parts of a split batch get fresh `batch_id`s, and
 * their events keep their `event_id`s, which is what storage de-duplicates by.
 */
export function splitForQueue(batch: CollectorBatch, maxBytes: number = QUEUE_MESSAGE_BYTES): CollectorBatch[] {
  const sized: Sized<StoredEvent>[] = batch.events.map((e) => ({ item: e, bytes: encoder.encode(JSON.stringify(e)).byteLength + 1 }));
  const total = sized.reduce((sum, e) => sum + e.bytes, 256);
  if (total <= maxBytes) return [batch];

  const parts: CollectorBatch[] = [];
  let events: StoredEvent[] = [];
  let bytes = 256;
  for (const e of sized) {
    if (events.length > 0 && bytes + e.bytes > maxBytes) {
      parts.push({ v: batch.v, batch_id: crypto.randomUUID(), events });
      events = [];
      bytes = 256;
    }
    events.push(e.item);
    bytes += e.bytes;
  }
  if (events.length > 0) parts.push({ v: batch.v, batch_id: crypto.randomUUID(), events });
  return parts;
}

/** Groups messages into `sendBatch` calls within the queue's per-call limits. */
function groupForSend(parts: CollectorBatch[]): CollectorBatch[][] {
  const groups: CollectorBatch[][] = [];
  let group: CollectorBatch[] = [];
  let bytes = 0;
  for (const part of parts) {
    const size = encoder.encode(JSON.stringify(part)).byteLength;
    if (group.length > 0 && (bytes + size > SEND_BATCH_BYTES || group.length === SEND_BATCH_MESSAGES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(part);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Puts a batch on the queue. The queue has it durably once `send` resolves, so that is
 * when the edge may answer 202; the consumer (`consumeBatches`) does the collector POST.
 * Messages are JSON so they stay readable in the dashboard and in a dead-letter queue.
 *
 * If a split batch is only partly sent the SDK is told to retry all of it; the parts
 * already queued are then stored twice and de-duplicated by `event_id`.
 */
export async function forwardToQueue(queue: Queue<CollectorBatch>, batch: CollectorBatch): Promise<ForwardResult> {
  const parts = splitForQueue(batch);
  try {
    if (parts.length === 1) {
      await queue.send(batch, { contentType: 'json' });
    } else {
      for (const group of groupForSend(parts)) {
        await queue.sendBatch(group.map((body) => ({ body, contentType: 'json' as const })));
      }
    }
    return { ok: true, attempts: 1 };
  } catch (err) {
    log('error', 'queue send failed', { batch_id: batch.batch_id, parts: parts.length, message: (err as Error).message });
    return { ok: false, kind: 'unavailable', reason: 'the queue did not accept the batch', retryAfterSeconds: QUEUE_RETRY_AFTER_S };
  }
}
