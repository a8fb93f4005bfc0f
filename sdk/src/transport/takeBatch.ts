import type { QueuedEvent } from './toQueued.js';

/**
 * Removes and returns the longest run from the head of `queue` that fits in one batch:
 * at most `maxEvents` events and `maxBytes` bytes of joined event JSON. The first event
 * is always taken, so an oversized event travels alone instead of blocking the queue.
 */
export function takeBatch(queue: QueuedEvent[], maxEvents: number, maxBytes: number): QueuedEvent[] {
  let n = 0;
  let bytes = 0;
  while (n < queue.length && n < maxEvents) {
    // +1 for the comma between events.
    const next = queue[n]!.bytes + (n ? 1 : 0);
    if (n && bytes + next > maxBytes) break;
    bytes += next;
    n++;
  }
  return queue.splice(0, n);
}
