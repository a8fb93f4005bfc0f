import type { BrowserEvent } from '@lifeline/protocol';
import { LIMITS, PROTOCOL_VERSION } from '@lifeline/protocol/limits';
import { byteLength } from '../lib/byteLength.js';
import type { Logger } from '../lib/createLogger.js';
import { safely } from '../lib/safely.js';
import { backoffDelay } from './backoffDelay.js';
import type { Store } from './createStore.js';
import { retryAfterMs } from './retryAfterMs.js';
import { toQueued, type QueuedEvent } from './toQueued.js';

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight would pass
 * 64 KiB (Fetch standard, "inflight keepalive bytes"); beyond it we send without keepalive.
 * The page's own keepalive requests and sendBeacon share those 64 KiB, so ours plan for
 * 60 000 bytes and leave the rest to the page. It is also the largest body we send.
 */
const KEEPALIVE_BUDGET = 60_000;

/** Why events were given up; counted per reason and reported (see `takeDrops`). */
export type DropReason = 'queue_full' | 'storage_full' | 'rejected' | 'max_attempts' | 'error_burst';

export interface TransportOptions {
  /** Where batches are posted: `{endpoint}/v1/events`. Network capture skips this URL. */
  url: string;
  /** The project's public ingest key. */
  key: string;
  sdk: { name: string; version: string };
  /** Most events held; beyond it the oldest are dropped (and counted). @default 1000 */
  maxQueue?: number;
  /** Sends of one event before it is given up. @default 10 */
  maxAttempts?: number;
  /** Where unsent events wait for a later page or the `online` event. */
  store?: Store;
  /** Posts a body without waiting for an answer (`navigator.sendBeacon`); false when refused. */
  beacon?: Beacon;
  /** Called after each accepted batch. */
  onSent?(): void;
  log?: Logger;
}

/**
 * Delays before a send, by event kind: errors and degrade events are urgent, vitals can
 * wait; every other kind (pageview, track, network) waits five seconds.
 */
const DELAYS: Record<string, number> = { error: 1000, degrade: 1000, vital: 60_000 };
/** Send at once when this many events are queued. */
const FLUSH_AT = 20;

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

/** Queues a body for sending after the page is gone; false when the browser refused it. */
export type Beacon = (url: string, body: string) => boolean;

export interface TransportStats {
  queued: number;
  sent: number;
  dropped: number;
  failures: number;
  /** Dropped events by reason, since the last `takeDrops`. */
  drops: Partial<Record<DropReason, number>>;
}

export interface Transport {
  /** Where batches go; the network capture leaves everything under `{endpoint}/v1/` alone. */
  readonly url: string;
  /** Queues an event; never throws, never sends synchronously. */
  enqueue(event: BrowserEvent): void;
  /**
   * Sends everything queued now, ignoring delays and backoff, and waits for every send in
   * flight. Resolves true when nothing handed in so far is left undelivered; never rejects.
   * `hidden`: the page may be going away, so bodies are cut to fit the keepalive budget,
   * what does not fit goes by `beacon`, and what is refused (or cannot be sent while
   * offline) is stored.
   */
  flush(hidden?: boolean): Promise<boolean>;
  /**
   * The network is back: forget the backoff and send now. A failure right after (the
   * connection not quite up yet) then waits a second, not the minutes an outage built up.
   */
  online(): Promise<boolean>;
  /** Counts `count` events given up for `reason`. */
  drop(count: number, reason: DropReason): void;
  /** The drop counts since the last call, or undefined when nothing was dropped. */
  takeDrops(): TransportStats['drops'] | undefined;
  /** Forgets every queued and stored event (consent withdrawn). */
  clear(): void;
  stats(): TransportStats;
}

/**
 * Queues events and posts them in batches, shaped as `createTransport(options, send)` so
 * the queue, batching and retry logic is tested with an injected `send`.
 *
 * Each event is sent within its kind's delay (`DELAYS`), or at once when `FLUSH_AT` are
 * queued; every send takes everything queued, in bodies of at most KEEPALIVE_BUDGET bytes
 * and LIMITS.sdkBatchEvents events (an event too large for that travels alone). Network
 * errors, 5xx and 429 are retried with exponential backoff and jitter (at least as long as
 * `Retry-After` asks) and the unsent events are stored; other 4xx drop the batch, since
 * sending it again cannot help. Events found in the store are sent after a second.
 *
 * @example
 * const transport = createTransport({ url, key, sdk }, createFetchSend());
 * transport.enqueue(event);
 */
export function createTransport(options: TransportOptions, send: Send): Transport {
  const { url, store, beacon, onSent, maxQueue = 1000, maxAttempts = 10, log = () => {} } = options;
  const head = `${JSON.stringify({ v: PROTOCOL_VERSION, key: options.key, sdk: options.sdk }).slice(0, -1)},"sent_at":`;
  // sent_at has 13 digits until the year 2286; `,"events":[]}` is 13 more.
  const overhead = byteLength(head) + 26;

  let queue: QueuedEvent[] = store?.load() ?? [];
  // Whether storage may hold events of ours, so the common case never touches it.
  let stored = queue.length > 0;
  const inFlight = new Set<Promise<boolean>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = Infinity;
  let retryAt = 0;
  let failures = 0;
  let keepaliveBytes = 0;
  let sent = 0;
  let dropped = 0;
  let drops: TransportStats['drops'] = {};

  const drop = (count: number, reason: DropReason) => {
    if (count > 0) {
      dropped += count;
      drops[reason] = (drops[reason] ?? 0) + count;
      log('dropped', count, reason);
    }
  };

  /** Puts `events` back at the head of the queue (they are the oldest) and applies maxQueue. */
  const requeue = (events: QueuedEvent[]) => {
    queue = events.concat(queue);
    drop(queue.splice(0, queue.length - maxQueue).length, 'queue_full');
  };

  /** Stores `add` and forgets `remove`, if there is a store and anything to do. */
  const persist = (add: QueuedEvent[], remove?: QueuedEvent[]) => {
    if (store && (stored || add.length)) {
      const [count, leftOut] = store.save(add, remove);
      stored = count > 0;
      drop(leftOut, 'storage_full');
    }
  };

  /**
   * Arms the timer to send in `wait` ms (never before retryAt), unless it is already due
   * sooner; a negative `wait` only cancels the timer.
   */
  const schedule = (wait: number) => {
    const now = Date.now();
    const at = Math.max(now + wait, retryAt);
    if (wait < 0 || at < dueAt) {
      clearTimeout(timer);
      dueAt = wait < 0 ? Infinity : at;
      if (wait >= 0) timer = setTimeout(() => sendQueued(false), at - now);
    }
  };

  const delivered = (batch: QueuedEvent[]) => {
    sent += batch.length;
    persist([], batch);
    // The callback belongs to the client; a bug there must not fail the send.
    safely(() => onSent?.());
    return true;
  };

  async function post(batch: QueuedEvent[], hidden: boolean): Promise<boolean> {
    const body = `${head}${Date.now()},"events":[${batch.map((e) => e.json).join()}]}`;
    const bytes = byteLength(body);
    const keepalive = keepaliveBytes + bytes <= KEEPALIVE_BUDGET;
    if (hidden && !keepalive) {
      // A fetch without keepalive dies with the page. sendBeacon has its own quota in
      // some engines; where it shares the keepalive one (Chromium) it refuses, and the
      // batch waits in storage for the next page.
      if (safely(() => beacon?.(url, body))) return delivered(batch);
      requeue(batch);
      persist(queue);
      return false;
    }
    if (keepalive) keepaliveBytes += bytes;
    let result: SendResult;
    try {
      result = await send({ url, body, keepalive });
    } catch {
      result = { status: 0 };
    }
    if (keepalive) keepaliveBytes -= bytes;
    const { status } = result;
    if (status > 199 && status < 300) {
      failures = 0;
      return delivered(batch);
    }
    if (!status || status == 429 || status > 499) {
      const again = batch.filter((e) => ++e.attempts < maxAttempts);
      drop(batch.length - again.length, 'max_attempts');
      requeue(again);
      persist(queue, batch);
      const wait = Math.max(backoffDelay(++failures), retryAfterMs(result.retryAfter) ?? 0);
      retryAt = Date.now() + wait;
      log('retry in', wait, status);
      // Retry when the backoff ends, not later: these events have waited their delay already.
      schedule(-1);
      if (queue.length) schedule(0);
      return false;
    }
    drop(batch.length, 'rejected');
    persist([], batch);
    return false;
  }

  function sendQueued(hidden: boolean): void {
    schedule(-1);
    // Cut every batch before posting any: a send that fails synchronously puts its events
    // back in the queue, and must not be posted again by this same loop. On page hide,
    // batches are cut to what is left of the keepalive budget, so as much as possible
    // leaves with keepalive.
    const batches: QueuedEvent[][] = [];
    let room = KEEPALIVE_BUDGET - keepaliveBytes;
    while (queue.length) {
      const max = (hidden && room > overhead + 1024 ? Math.min(KEEPALIVE_BUDGET, room) : KEEPALIVE_BUDGET) - overhead;
      // The first event is always taken, so an oversized event travels alone instead of
      // blocking the queue; +1 for the comma between events.
      let n = 1;
      let bytes = queue[0]!.bytes;
      while (n < queue.length && n < LIMITS.sdkBatchEvents && (bytes += queue[n]!.bytes + 1) <= max) n++;
      const batch = queue.splice(0, n);
      room -= batch.reduce((sum, e) => sum + e.bytes + 1, overhead);
      batches.push(batch);
    }
    for (const batch of batches) {
      const p = post(batch, hidden);
      const done = () => inFlight.delete(p);
      inFlight.add(p);
      p.then(done, done);
    }
  }

  if (queue.length) schedule(1000);

  return {
    url,
    enqueue(event) {
      try {
        const queued = toQueued(event);
        // One event the edge would refuse for its size (text JSON escapes to six bytes a
        // character can get there) is given up and counted now rather than sent.
        if (queued.bytes > LIMITS.eventBytes - LIMITS.enrichmentBytes) return drop(1, 'rejected');
        queue.push(queued);
        requeue([]);
        schedule(queue.length < FLUSH_AT ? (DELAYS[event.kind] ?? 5000) : 0);
      } catch (error) {
        log('could not queue', error);
      }
    },
    async flush(hidden = false) {
      try {
        // The page may be gone before a failing send could store its events.
        if (hidden && (failures || globalThis.navigator?.onLine === false)) persist(queue);
        sendQueued(hidden);
        // Every event queued so far is in these sends; what arrives meanwhile is not this flush's.
        return (await Promise.all(inFlight)).every(Boolean);
      } catch {
        return false;
      }
    },
    drop,
    takeDrops() {
      const taken = drops;
      drops = {};
      return Object.keys(taken).length ? taken : undefined;
    },
    clear() {
      queue = [];
      schedule(-1);
      store?.clear();
      stored = false;
    },
    online() {
      failures = 0;
      retryAt = 0;
      return this.flush();
    },
    stats: () => ({ queued: queue.length, sent, dropped, failures, drops }),
  };
}
