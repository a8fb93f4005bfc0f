import type { BrowserEvent } from '@lifeline/protocol';
import { LIMITS, PROTOCOL_VERSION } from '@lifeline/protocol/limits';
import { byteLength } from '../lib/byteLength.js';
import type { Logger } from '../lib/createLogger.js';
import { backoffDelay } from './backoffDelay.js';
import { retryAfterMs } from './retryAfterMs.js';
import { takeBatch, type QueuedEvent } from './takeBatch.js';

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight would pass
 * 64 KiB (Fetch standard, "inflight keepalive bytes"); beyond it we send without keepalive.
 */
const KEEPALIVE_BUDGET = 65536;

export interface TransportOptions {
  /** Where batches are posted: `{endpoint}/v1/events`. Network capture skips this URL. */
  url: string;
  /** The project's public ingest key. */
  key: string;
  sdk: { name: string; version: string };
  /** Delay before a batch holding an error is sent. @default 1000 */
  urgentDelayMs?: number;
  /** Delay before other events are sent. @default 5000 */
  delayMs?: number;
  /** Send at once when this many events are queued. @default 20 */
  flushAt?: number;
  /** Most events held; beyond it the oldest are dropped (and counted). @default 1000 */
  maxQueue?: number;
  /** Largest body, kept under the keepalive budget so page-hide sends are allowed. @default 60000 */
  maxBodyBytes?: number;
  /** Most events per body. @default LIMITS.sdkBatchEvents */
  maxBatchEvents?: number;
  /** Sends of one event before it is given up. @default 10 */
  maxAttempts?: number;
  log?: Logger;
}

export interface SendRequest {
  url: string;
  body: string;
  keepalive: boolean;
}

/** `status` 0 means no response (network error, blocked, offline). */
export interface SendResult {
  status: number;
  retryAfter?: string | null;
}

/** Posts one body; may reject, which counts as a network error. */
export type Send = (request: SendRequest) => Promise<SendResult>;

export interface TransportStats {
  queued: number;
  inFlight: number;
  sent: number;
  dropped: number;
  failures: number;
}

export interface Transport {
  readonly url: string;
  /** Queues an event; never throws, never sends synchronously. */
  enqueue(event: BrowserEvent): void;
  /**
   * Sends everything queued now, ignoring delays and backoff, and waits for every send in
   * flight. Resolves true when nothing handed in so far is left undelivered; never rejects.
   */
  flush(): Promise<boolean>;
  stats(): TransportStats;
}

/**
 * Queues events and posts them in batches, shaped as `createTransport(options, send)` so
 * the queue, batching and retry logic is tested with an injected `send`.
 *
 * Errors go out within `urgentDelayMs`, other events within `delayMs` or as soon as
 * `flushAt` are queued. Bodies stay under `maxBodyBytes` and `maxBatchEvents`. Network
 * errors, 5xx and 429 are retried with exponential backoff and jitter (at least as long as
 * `Retry-After` asks); other 4xx drop the batch, since sending it again cannot help.
 *
 * @example
 * const transport = createTransport({ url, key, sdk }, createFetchSend());
 * transport.enqueue(event);
 */
export function createTransport(options: TransportOptions, send: Send): Transport {
  const urgentDelay = options.urgentDelayMs ?? 1000;
  const delay = options.delayMs ?? 5000;
  const flushAt = options.flushAt ?? 20;
  const maxQueue = options.maxQueue ?? 1000;
  const maxBody = options.maxBodyBytes ?? 60000;
  const maxEvents = options.maxBatchEvents ?? LIMITS.sdkBatchEvents;
  const maxAttempts = options.maxAttempts ?? 10;
  const log = options.log ?? (() => {});
  const { url, key } = options;
  const head = `{"v":${PROTOCOL_VERSION},"key":${JSON.stringify(key)},"sdk":${JSON.stringify(options.sdk)},"sent_at":`;
  // sent_at has 13 digits until the year 2286.
  const overhead = byteLength(head) + 13 + byteLength(',"events":[]}');

  let queue: QueuedEvent[] = [];
  const inFlight = new Set<Promise<boolean>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = Infinity;
  let retryAt = 0;
  let failures = 0;
  let keepaliveBytes = 0;
  let sent = 0;
  let dropped = 0;

  function drop(count: number, why: string): void {
    dropped += count;
    log(`dropped ${count} event(s): ${why}`);
  }

  function trim(): void {
    const excess = queue.length - maxQueue;
    if (excess > 0) {
      queue.splice(0, excess);
      drop(excess, 'queue full');
    }
  }

  /** Arms the timer to send in `wait` ms, unless it is already due sooner; never before retryAt. */
  function schedule(wait: number): void {
    const now = Date.now();
    const at = Math.max(now + wait, retryAt);
    if (at >= dueAt) return;
    clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(() => {
      disarm();
      sendQueued();
    }, at - now);
  }

  /** Drops any pending timer, so the next schedule() can arm an earlier or later one. */
  function disarm(): void {
    clearTimeout(timer);
    timer = undefined;
    dueAt = Infinity;
  }

  async function post(batch: QueuedEvent[]): Promise<boolean> {
    const body = `${head}${Date.now()},"events":[${batch.map((e) => e.json).join(',')}]}`;
    const bytes = byteLength(body);
    const keepalive = keepaliveBytes + bytes <= KEEPALIVE_BUDGET;
    if (keepalive) keepaliveBytes += bytes;
    let result: SendResult;
    try {
      result = await send({ url, body, keepalive });
    } catch {
      result = { status: 0 };
    } finally {
      if (keepalive) keepaliveBytes -= bytes;
    }
    const { status } = result;
    if (status >= 200 && status < 300) {
      failures = 0;
      sent += batch.length;
      return true;
    }
    if (status === 0 || status === 429 || status >= 500) {
      failures++;
      const again = batch.filter((e) => ++e.attempts < maxAttempts);
      if (again.length < batch.length) drop(batch.length - again.length, 'too many attempts');
      // Back to the head of the queue: these are the oldest events.
      queue = again.concat(queue);
      trim();
      const wait = Math.max(backoffDelay(failures), retryAfterMs(result.retryAfter) ?? 0);
      retryAt = Date.now() + wait;
      log(`send failed (${status || 'network error'}), retrying in ${Math.round(wait)} ms`);
      // Retry when the backoff ends, not later: these events have waited their delay already.
      disarm();
      if (queue.length) schedule(0);
      return false;
    }
    drop(batch.length, `refused with ${status}`);
    return false;
  }

  function sendQueued(): void {
    // Cut every batch before posting any: a send that fails synchronously puts its events
    // back in the queue, and must not be posted again by this same loop.
    const batches: QueuedEvent[][] = [];
    while (queue.length) batches.push(takeBatch(queue, maxEvents, maxBody - overhead));
    for (const batch of batches) {
      const p = post(batch);
      const done = () => inFlight.delete(p);
      inFlight.add(p);
      p.then(done, done);
    }
  }

  return {
    url,
    enqueue(event) {
      try {
        const json = JSON.stringify(event);
        queue.push({ json, bytes: byteLength(json), urgent: event.kind === 'error', attempts: 0 });
        trim();
        schedule(queue.length >= flushAt ? 0 : event.kind === 'error' ? urgentDelay : delay);
      } catch (error) {
        log('could not queue event', error);
      }
    },
    async flush() {
      try {
        disarm();
        sendQueued();
        const results = await Promise.all([...inFlight]);
        return results.every(Boolean) && !queue.length;
      } catch {
        return false;
      }
    },
    stats: () => ({ queued: queue.length, inFlight: inFlight.size, sent, dropped, failures }),
  };
}
