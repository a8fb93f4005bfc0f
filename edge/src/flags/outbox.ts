import { PROTOCOL_VERSION, type CollectorBatch } from '@lifeline/protocol';
import type { Forwarder } from '../forward';
import { log } from '../log';
import { OUTBOX_BATCH, OUTBOX_RETRY_BASE_MS, OUTBOX_RETRY_MAX_MS } from './limits';
import type { FlagStore } from './store';

/**
 * How long events stay claimed by a delivery in progress. If the object is evicted
 * mid-delivery, the alarm set for this moment tries again; a normal delivery (the HTTP
 * forwarder gives up within 10 s) settles well before.
 */
export const DELIVERY_LEASE_MS = 30_000;

export interface DeliverOptions {
  store: FlagStore;
  forwarder: Forwarder;
  /** @default Date.now */
  now?: () => number;
}

/** Delay before the next try after `attempts` failed ones: 5 s, 10 s, 20 s… up to 5 minutes. */
export function retryDelay(attempts: number): number {
  return Math.min(OUTBOX_RETRY_MAX_MS, OUTBOX_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the due flag events to the collector through the edge's forwarder (the queue when
 * bound, otherwise the retrying POST), in batches of `OUTBOX_BATCH`. Events leave the
 * outbox only once acknowledged; a failure keeps them for a later try with a growing delay,
 * and a refusal for good (a 4xx) is logged and dropped, as the queue consumer does, since
 * the same bytes would be refused again. Answers how many events were acknowledged.
 *
 * @example await deliverPending({ store, forwarder: forwarderFor(env, config) })
 */
export async function deliverPending(options: DeliverOptions): Promise<number> {
  const now = options.now ?? Date.now;
  let delivered = 0;
  for (;;) {
    const due = options.store.due(now(), OUTBOX_BATCH);
    if (due.length === 0) return delivered;
    const ids = due.map((p) => p.eventId);
    options.store.lease(ids, now() + DELIVERY_LEASE_MS);

    const batch: CollectorBatch = { v: PROTOCOL_VERSION, batch_id: crypto.randomUUID(), events: due.map((p) => p.event) };
    const result = await options.forwarder.send(batch);
    if (result.ok) {
      options.store.acknowledge(ids);
      delivered += ids.length;
      continue;
    }
    if (result.kind === 'rejected') {
      log('error', 'collector refused flag events; dropped', { batch_id: batch.batch_id, events: ids.length, status: result.status, reason: result.reason });
      options.store.acknowledge(ids);
      continue;
    }
    const attempts = Math.max(...due.map((p) => p.attempts)) + 1;
    const delay = retryDelay(attempts);
    log('warn', 'flag events not delivered; will retry', { events: ids.length, attempts, delay_ms: delay, reason: result.reason });
    options.store.retryAt(ids, now() + delay);
    return delivered;
  }
}
