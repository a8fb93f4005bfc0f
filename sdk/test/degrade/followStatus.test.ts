import type { StatusResponse } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { followStatus } from '../../src/degrade/followStatus.js';

const URL_ = 'https://edge.test/v1/status?key=pk_test';
const status = (version: number): StatusResponse => ({ v: 1, project: 'shop', version, updated_at: version, flags: {} });

/** Just enough of EventSource: the test opens, feeds and breaks each instance. */
class FakeSource {
  static all: FakeSource[] = [];
  listeners: Record<string, ((e: { data: string }) => void)[]> = {};
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: { data: string }) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: string) {
    for (const fn of this.listeners[type] ?? []) fn({ data });
  }
}

let fetches: string[];
let answer: () => Promise<Response>;
const get = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
  fetches.push(`${String(url)} ${init?.cache}`);
  return answer();
}) as unknown as typeof fetch;
const last = () => FakeSource.all[FakeSource.all.length - 1]!;

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1);
  FakeSource.all = [];
  fetches = [];
  answer = async () => new Response(JSON.stringify(status(1)), { status: 200 });
  vi.stubGlobal('EventSource', FakeSource);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('followStatus', () => {
  it('polls once, then follows the stream, which carries every change', async () => {
    const seen: number[] = [];
    followStatus({ url: URL_, fetch: get, onStatus: (s) => seen.push(s.version) });
    expect(fetches).toEqual([`${URL_} no-cache`]);
    expect(last().url).toBe('https://edge.test/v1/status/stream?key=pk_test');
    await vi.advanceTimersByTimeAsync(0);
    last().emit('status', JSON.stringify(status(2)));
    last().emit('status', JSON.stringify(status(3)));
    expect(seen).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetches).toHaveLength(1);
  });

  it('falls back to polling every 30 s when the stream fails, retries it with backoff, and stops polling once it is back', async () => {
    const seen: number[] = [];
    followStatus({ url: URL_, fetch: get, onStatus: (s) => seen.push(s.version) });
    const first = last();
    first.onerror!();
    expect(first.closed).toBe(true);
    expect(fetches).toHaveLength(2);
    // Math.random is 1, so each backoff is its ceiling: 1 s, then 2 s.
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSource.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.all).toHaveLength(2);
    last().onerror!();
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSource.all).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(27_000);
    expect(fetches).toHaveLength(3);
    last().emit('status', JSON.stringify(status(5)));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetches).toHaveLength(3);
    expect(seen.at(-1)).toBe(5);
  });

  it('polls where EventSource is missing', async () => {
    vi.stubGlobal('EventSource', undefined);
    followStatus({ url: URL_, fetch: get, onStatus: () => {} });
    await vi.advanceTimersByTimeAsync(90_000);
    expect(fetches).toHaveLength(4);
  });

  it('reports nothing when the edge is unreachable or answers an error', async () => {
    const onStatus = vi.fn();
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    followStatus({ url: URL_, fetch: get, onStatus });
    last().onerror!();
    answer = async () => new Response('nope', { status: 503 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetches).toHaveLength(3);
    expect(onStatus).not.toHaveBeenCalled();
  });

  it('ignores a stream message that is not JSON', () => {
    const onStatus = vi.fn();
    followStatus({ url: URL_, onStatus });
    expect(() => last().emit('status', 'not json')).not.toThrow();
    expect(onStatus).not.toHaveBeenCalled();
  });
});
