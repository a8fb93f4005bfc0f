import type { BrowserEvent } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../src/transport/createStore.js';
import { toQueued } from '../../src/transport/toQueued.js';

let data: Map<string, string>;
let n = 0;
const event = (extra = ''): BrowserEvent => ({
  kind: 'track',
  name: `e${++n}${extra}`,
  event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ts: 1,
});
const ids = () => (JSON.parse(data.get('lifeline:queue') ?? '[]') as BrowserEvent[]).map((e) => e.event_id);

beforeEach(() => {
  data = new Map();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > 50_000) throw new DOMException('full', 'QuotaExceededError');
      data.set(k, v);
    },
    removeItem: (k: string) => void data.delete(k),
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('createStore', () => {
  it('adds, replaces by event_id and removes, oldest first', () => {
    const store = createStore();
    const [a, b, c] = [event(), event(), event()].map(toQueued);
    expect(store.save([a!, b!])).toEqual([2, 0]);
    expect(store.save([b!, c!], [a!])).toEqual([2, 0]);
    expect(ids()).toEqual([b!.id, c!.id]);
    expect(store.load().map((e) => e.json)).toEqual([b!.json, c!.json]);
    store.save([], [b!, c!]);
    expect(data.has('lifeline:queue')).toBe(false);
  });

  it('keeps the newest within the count and byte bounds, and says how many were left out', () => {
    const store = createStore({ maxEvents: 3, maxBytes: 400 });
    const events = Array.from({ length: 5 }, () => toQueued(event()));
    expect(store.save(events)).toEqual([3, 2]);
    expect(ids()).toEqual(events.slice(2).map((e) => e.id));
    // About 225 bytes each: one fits in 400.
    const big = Array.from({ length: 3 }, () => toQueued(event('x'.repeat(150))));
    expect(store.save(big)).toEqual([1, 5]);
    expect(ids()).toEqual([big[2]!.id]);
  });

  it('counts everything as left out when storage refuses the write', () => {
    const store = createStore({ maxBytes: 1e6 });
    const events = Array.from({ length: 3 }, () => toQueued(event('x'.repeat(20_000))));
    expect(store.save(events)).toEqual([0, 3]);
  });

  it.each([['{not json'], ['{"a":1}'], ['null']])('reads %s as nothing stored', (raw) => {
    data.set('lifeline:queue', raw);
    expect(createStore().load()).toEqual([]);
  });

  it('clear() removes the key', () => {
    const store = createStore();
    store.save([toQueued(event())]);
    store.clear();
    expect(data.size).toBe(0);
  });
});
