import type { BrowserEvent } from '@lifeline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limitBursts } from '../../src/capture/limitBursts.js';
import type { Client } from '../../src/core/types.js';

const error = (fingerprint: string) => ({ kind: 'error', message: 'x', fingerprint, event_id: 'e', ts: 1 }) as BrowserEvent;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('limitBursts', () => {
  it('lets five of one error through a minute, counts the rest, and lets others pass', () => {
    const drop = vi.fn();
    const limit = limitBursts({ transport: { drop } } as unknown as Client);
    const passed = Array.from({ length: 1000 }, () => limit(error('a'))).filter(Boolean);
    expect(passed).toHaveLength(5);
    expect(drop).toHaveBeenCalledTimes(995);
    expect(drop).toHaveBeenCalledWith(1, 'error_burst');
    expect(limit(error('b'))).not.toBeNull();
    expect(limit({ kind: 'track', name: 't', event_id: 'e', ts: 1 })).not.toBeNull();
    vi.advanceTimersByTime(60_001);
    expect(limit(error('a'))).not.toBeNull();
  });
});
