import { BrowserEvent, LIMITS, PROTOCOL_VERSION, SdkBatch } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/transport/createStore.js';
import {
  createTransport,
  type Send,
  type SendRequest,
  type SendResult,
  type TransportOptions,
} from '../../src/transport/createTransport.js';

const base = { url: 'https://edge.test/v1/events', key: 'pk_test', sdk: { name: '@lifeline/sdk', version: '0.0.0' } };
let seq = 0;

function trackEvent(props?: Record<string, string>): BrowserEvent {
  seq++;
  return {
    kind: 'track',
    name: `e${seq}`,
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    ts: Date.now(),
    ...(props ? { props } : {}),
  };
}

function errorEvent(): BrowserEvent {
  return { ...trackEvent(), kind: 'error', message: 'boom' } as BrowserEvent;
}

/** A send that records every request and answers from `replies` in turn (then 202). */
function recorder(...replies: (SendResult | Error)[]) {
  const requests: SendRequest[] = [];
  const send = vi.fn<Send>(async (request) => {
    requests.push(request);
    const reply = replies.shift() ?? { status: 202 };
    if (reply instanceof Error) throw reply;
    return reply;
  });
  const bodies = () => requests.map((r) => SdkBatch.parse(JSON.parse(r.body)));
  const names = () => bodies().map((b) => b.events.map((e) => (e as { name: string }).name));
  return { send, requests, bodies, names };
}

function make(send: Send, options: Partial<TransportOptions> = {}) {
  return createTransport({ ...base, ...options }, send);
}

beforeEach(() => {
  vi.useFakeTimers();
  // The upper end of the jitter, so backoff delays are predictable: 1 s, 2 s, 4 s…
  vi.spyOn(Math, 'random').mockReturnValue(0.999999);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createTransport: batching', () => {
  it('holds other events for five seconds, then posts them in one batch', async () => {
    const { send, requests, bodies } = recorder();
    const t = make(send);
    t.enqueue(trackEvent());
    await vi.advanceTimersByTimeAsync(2000);
    t.enqueue(trackEvent());
    await vi.advanceTimersByTimeAsync(2999);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(requests[0]).toMatchObject({ url: base.url, keepalive: true });
    expect(bodies()[0]).toMatchObject({ v: PROTOCOL_VERSION, key: 'pk_test', sdk: base.sdk, sent_at: Date.now() });
    expect(bodies()[0]!.events).toHaveLength(2);
    expect(t.stats()).toMatchObject({ queued: 0, sent: 2, dropped: 0 });
  });

  it('sends within a second once an error is queued, taking the waiting events along', async () => {
    const { send, names } = recorder();
    const t = make(send);
    t.enqueue(trackEvent());
    await vi.advanceTimersByTimeAsync(500);
    t.enqueue(errorEvent());
    await vi.advanceTimersByTimeAsync(999);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(names()[0]).toHaveLength(2);
  });

  it('sends at once (asynchronously) when 20 events are queued', async () => {
    const { send, names } = recorder();
    const t = make(send);
    for (let i = 0; i < 20; i++) t.enqueue(trackEvent());
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    expect(names()).toEqual([expect.any(Array)]);
    expect(names()[0]).toHaveLength(20);
  });

  it(`splits a long queue into batches of at most ${LIMITS.sdkBatchEvents} events, in order`, async () => {
    const { send, names } = recorder();
    const t = make(send, { maxQueue: 5000 });
    const all = Array.from({ length: 1200 }, () => trackEvent());
    for (const e of all) t.enqueue(e);
    await expect(t.flush()).resolves.toBe(true);
    expect(names().map((n) => n.length)).toEqual([500, 500, 200]);
    expect(names().flat()).toEqual(all.map((e) => (e as { name: string }).name));
  });

  it('keeps every body under 60 000 bytes', async () => {
    const { send, requests, names } = recorder();
    const t = make(send);
    const big = () => trackEvent({ blob: 'é'.repeat(1000) }); // two bytes a character in UTF-8
    for (let i = 0; i < 45; i++) t.enqueue(big());
    await t.flush();
    expect(requests.length).toBe(2);
    for (const r of requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(60000);
    expect(names().flat()).toHaveLength(45);
  });

  it('sends an event too large for any batch on its own, without keepalive', async () => {
    const { send, requests } = recorder();
    const t = make(send);
    t.enqueue(trackEvent());
    t.enqueue(trackEvent({ a: 'x'.repeat(40000), b: 'y'.repeat(40000) }));
    t.enqueue(trackEvent());
    await t.flush();
    expect(requests.map((r) => SdkBatch.parse(JSON.parse(r.body)).events.length)).toEqual([1, 1, 1]);
    expect(requests.map((r) => r.keepalive)).toEqual([true, false, true]);
  });

  it('gives up, as rejected, an event the edge would refuse for its size, and sends one just under it', async () => {
    const { send, requests } = recorder();
    const t = make(send);
    const room = LIMITS.eventBytes - LIMITS.enrichmentBytes;
    const sized = (bytes: number) => {
      const e = trackEvent({ blob: '' }) as BrowserEvent & { props: { blob: string } };
      e.props.blob = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(e)));
      expect(Buffer.byteLength(JSON.stringify(e))).toBe(bytes);
      return e;
    };
    t.enqueue(sized(room + 1));
    expect(t.stats()).toMatchObject({ queued: 0, dropped: 1, drops: { rejected: 1 } });
    t.enqueue(sized(room));
    await t.flush();
    expect(requests).toHaveLength(1);
    expect(t.stats()).toMatchObject({ sent: 1, dropped: 1 });
  });

  it('uses keepalive only while the bodies in flight stay within the 60 000-byte plan for the 64 KiB budget', async () => {
    const requests: SendRequest[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const send = vi.fn<Send>(async (request) => {
      requests.push(request);
      await gate;
      return { status: 202 };
    });
    const t = make(send);
    // 25 000 bytes each: two per body; the second body would pass the budget while the first is in flight.
    for (let i = 0; i < 3; i++) t.enqueue(trackEvent({ blob: 'x'.repeat(25000) }));
    const flushed = t.flush();
    expect(requests.map((r) => r.keepalive)).toEqual([true, false]);
    release();
    await expect(flushed).resolves.toBe(true);
  });

  it('drops the oldest events beyond the queue bound, and counts them', async () => {
    const { send, names } = recorder();
    const t = make(send, { maxQueue: 5 });
    const all = Array.from({ length: 8 }, () => trackEvent());
    for (const e of all) t.enqueue(e);
    expect(t.stats()).toMatchObject({ queued: 5, dropped: 3 });
    await t.flush();
    expect(names().flat()).toEqual(all.slice(3).map((e) => (e as { name: string }).name));
  });
});

describe('createTransport: flush', () => {
  it('resolves true at once when nothing is queued', async () => {
    const { send } = recorder();
    await expect(make(send).flush()).resolves.toBe(true);
    expect(send).not.toHaveBeenCalled();
  });

  it('waits for a send already in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const send = vi.fn<Send>(async () => {
      await gate;
      return { status: 202 };
    });
    const t = make(send);
    t.enqueue(errorEvent());
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
    let done = false;
    const flushed = t.flush().then((ok) => (done = ok));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    release();
    await flushed;
    expect(done).toBe(true);
  });

  it('never rejects, even when send throws synchronously', async () => {
    const send = vi.fn<Send>(() => {
      throw new Error('no fetch here');
    });
    const t = make(send);
    t.enqueue(trackEvent());
    await expect(t.flush()).resolves.toBe(false);
    expect(t.stats().queued).toBe(1);
  });
});

describe('createTransport: retries', () => {
  it.each([
    ['503', { status: 503 }],
    ['500', { status: 500 }],
    ['429', { status: 429 }],
    ['a network error (status 0)', { status: 0 }],
    ['a rejected send', new TypeError('Failed to fetch')],
  ] as [string, SendResult | Error][])('retries after %s with the same bytes, and delivers once', async (_label, failure) => {
    const { send, requests } = recorder(failure);
    const t = make(send);
    t.enqueue(trackEvent());
    t.enqueue(errorEvent());
    await expect(t.flush()).resolves.toBe(false);
    expect(t.stats()).toMatchObject({ queued: 2, failures: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(requests).toHaveLength(2);
    const events = (r: SendRequest) => JSON.stringify(SdkBatch.parse(JSON.parse(r.body)).events);
    expect(events(requests[1]!)).toBe(events(requests[0]!));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(2);
    expect(t.stats()).toMatchObject({ queued: 0, sent: 2, dropped: 0, failures: 0 });
  });

  it.each([
    ['400', 400],
    ['401', 401],
    ['413', 413],
  ])('drops a batch refused with %s and does not retry it', async (_label, status) => {
    const { send } = recorder({ status });
    const t = make(send);
    t.enqueue(trackEvent());
    await expect(t.flush()).resolves.toBe(false);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(t.stats()).toMatchObject({ queued: 0, dropped: 1, drops: { rejected: 1 } });
  });

  it('backs off exponentially across consecutive failures', async () => {
    const { send, requests } = recorder({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const t = make(send);
    t.enqueue(errorEvent());
    await vi.advanceTimersByTimeAsync(1000);
    const times = [Date.now()];
    for (let i = 0; i < 4; i++) {
      while (requests.length < i + 2) await vi.advanceTimersByTimeAsync(100);
      times.push(Date.now());
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Math.random is pinned near 1, so each wait is the full 1 s, 2 s, 4 s, 8 s (to the 100 ms step).
    expect(gaps.map((g) => Math.round(g / 1000))).toEqual([1, 2, 4, 8]);
  });

  it('waits as long as Retry-After asks, in seconds', async () => {
    const { send, requests } = recorder({ status: 429, retryAfter: '30' });
    const t = make(send);
    t.enqueue(errorEvent());
    await t.flush();
    await vi.advanceTimersByTimeAsync(29_900);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(requests).toHaveLength(2);
  });

  it('waits as long as Retry-After asks, as an HTTP date', async () => {
    const { send, requests } = recorder({ status: 503, retryAfter: new Date(Date.now() + 10_000).toUTCString() });
    const t = make(send);
    t.enqueue(errorEvent());
    await t.flush();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(2);
  });

  it('holds new events during a backoff instead of sending them early', async () => {
    const { send, requests } = recorder({ status: 429, retryAfter: '20' });
    const t = make(send);
    t.enqueue(errorEvent());
    await t.flush();
    t.enqueue(errorEvent());
    for (let i = 0; i < 25; i++) t.enqueue(trackEvent());
    await vi.advanceTimersByTimeAsync(19_000);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(2);
  });

  it('gives an event up after maxAttempts sends, and counts it', async () => {
    const send = vi.fn<Send>(async () => ({ status: 503 }));
    const t = make(send, { maxAttempts: 3 });
    t.enqueue(errorEvent());
    await vi.advanceTimersByTimeAsync(600_000);
    expect(send).toHaveBeenCalledTimes(3);
    expect(t.stats()).toMatchObject({ queued: 0, dropped: 1, drops: { max_attempts: 1 } });
  });
});

describe('createTransport: lanes', () => {
  it.each([
    ['degrade', 1000],
    ['error', 1000],
    ['pageview', 5000],
    ['network', 5000],
    ['vital', 60_000],
  ])('sends a lone %s event after %i ms', async (kind, delay) => {
    const { send } = recorder();
    const t = make(send);
    t.enqueue({ ...trackEvent(), kind } as BrowserEvent);
    await vi.advanceTimersByTimeAsync(delay - 1);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('sends waiting vitals along with the next batch of other events', async () => {
    const { send, bodies } = recorder();
    const t = make(send);
    t.enqueue({ ...trackEvent(), kind: 'vital' } as BrowserEvent);
    t.enqueue(trackEvent());
    await vi.advanceTimersByTimeAsync(5000);
    expect(bodies()[0]!.events).toHaveLength(2);
  });
});

describe('createTransport: drops', () => {
  it('counts drops by reason and hands them over once', () => {
    const t = make(recorder().send);
    expect(t.takeDrops()).toBeUndefined();
    t.drop(2, 'error_burst');
    t.drop(0, 'queue_full');
    t.drop(1, 'error_burst');
    expect(t.takeDrops()).toEqual({ error_burst: 3 });
    expect(t.takeDrops()).toBeUndefined();
    expect(t.stats().dropped).toBe(3);
  });

  it('calls onSent after each accepted batch only', async () => {
    const onSent = vi.fn();
    const { send } = recorder({ status: 503 }, { status: 400 });
    const t = createTransport({ ...base, onSent }, send);
    t.enqueue(trackEvent());
    await t.flush();
    await vi.advanceTimersByTimeAsync(1000);
    t.enqueue(trackEvent());
    await t.flush();
    expect(onSent).toHaveBeenCalledTimes(1);
  });
});

/** A Map-backed stand-in for localStorage. */
function memoryStorage() {
  const data = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  });
  return data;
}

const storedIds = (data: Map<string, string>) => (JSON.parse(data.get('lifeline:queue') ?? '[]') as BrowserEvent[]).map((e) => e.event_id);

describe('createTransport: storage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('stores what it could not send, removes what it delivered, and never touches storage otherwise', async () => {
    const data = memoryStorage();
    const setItem = vi.spyOn(localStorage, 'setItem');
    const { send } = recorder({ status: 0 });
    const t = createTransport({ ...base, store: createStore() }, send);
    const [a, b] = [trackEvent(), trackEvent()];
    t.enqueue(a);
    t.enqueue(b);
    await t.flush();
    expect(storedIds(data)).toEqual([a.event_id, b.event_id]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(data.has('lifeline:queue')).toBe(false);
    const writes = setItem.mock.calls.length;
    t.enqueue(trackEvent());
    await t.flush();
    expect(setItem.mock.calls.length).toBe(writes);
  });

  it('sends stored events from an earlier page after a second, with their event_ids', async () => {
    const data = memoryStorage();
    const old = trackEvent();
    data.set('lifeline:queue', JSON.stringify([old]));
    const { send, bodies } = recorder();
    createTransport({ ...base, store: createStore() }, send);
    await vi.advanceTimersByTimeAsync(999);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(bodies()[0]!.events).toEqual([old]);
    await vi.advanceTimersByTimeAsync(0);
    expect(data.has('lifeline:queue')).toBe(false);
  });

  it('keeps events another tab stored when it delivers its own', async () => {
    const data = memoryStorage();
    const theirs = trackEvent();
    const { send } = recorder({ status: 503 });
    const t = createTransport({ ...base, store: createStore() }, send);
    const mine = trackEvent();
    t.enqueue(mine);
    await t.flush();
    data.set('lifeline:queue', JSON.stringify([theirs, ...JSON.parse(data.get('lifeline:queue')!)]));
    await vi.advanceTimersByTimeAsync(1000);
    expect(storedIds(data)).toEqual([theirs.event_id]);
  });

  it('on page hide while offline, stores the queue before trying to send it', async () => {
    const data = memoryStorage();
    vi.stubGlobal('navigator', { onLine: false });
    let stored: string[] = [];
    const send = vi.fn<Send>(async () => {
      stored = storedIds(data);
      return { status: 0 };
    });
    const t = createTransport({ ...base, store: createStore() }, send);
    const e = trackEvent();
    t.enqueue(e);
    await t.flush(true);
    expect(stored).toEqual([e.event_id]);
  });

  it('forgets queued and stored events on clear()', async () => {
    const data = memoryStorage();
    const { send } = recorder({ status: 0 });
    const t = createTransport({ ...base, store: createStore() }, send);
    t.enqueue(trackEvent());
    await t.flush();
    t.clear();
    expect(data.has('lifeline:queue')).toBe(false);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('createTransport: page hide', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('cuts bodies to the keepalive budget left, sends the rest by beacon, and stores what the beacon refuses', async () => {
    const data = memoryStorage();
    const requests: SendRequest[] = [];
    const send = vi.fn<Send>(async (request) => {
      requests.push(request);
      return new Promise<SendResult>(() => {});
    });
    const beacons: string[] = [];
    const beacon = vi.fn((_url: string, body: string) => beacons.push(body) < 2);
    const t = createTransport({ ...base, store: createStore(), beacon }, send);
    // One 40 KB body is in flight with keepalive; 20 KB of the budget is left.
    t.enqueue(trackEvent({ blob: 'x'.repeat(40_000) }));
    void t.flush();
    const events = Array.from({ length: 30 }, () => trackEvent({ blob: 'y'.repeat(3000) }));
    for (const e of events) t.enqueue(e);
    void t.flush(true);
    const kept = requests.slice(1);
    expect(kept.every((r) => r.keepalive)).toBe(true);
    const keptBytes = kept.reduce((n, r) => n + Buffer.byteLength(r.body), 0);
    expect(keptBytes + Buffer.byteLength(requests[0]!.body)).toBeLessThanOrEqual(60_000);
    expect(keptBytes).toBeGreaterThan(15_000);
    expect(beacon).toHaveBeenCalledTimes(2);
    const viaKeepalive = kept.flatMap((r) => SdkBatch.parse(JSON.parse(r.body)).events.map((e) => (e as BrowserEvent).event_id));
    const viaBeacon = SdkBatch.parse(JSON.parse(beacons[0]!)).events.map((e) => (e as BrowserEvent).event_id);
    const refused = SdkBatch.parse(JSON.parse(beacons[1]!)).events.map((e) => (e as BrowserEvent).event_id);
    expect([...viaKeepalive, ...viaBeacon, ...refused]).toEqual(events.map((e) => e.event_id));
    expect(storedIds(data)).toEqual(refused);
  });
});
