import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker } from '../../src/degrade/createBreaker.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2024-06-01T12:00:00Z'));
});
afterEach(() => vi.useRealTimers());

/** A breaker on the default clock (Date.now), which the fake timers move. */
function setup(options?: Parameters<typeof createBreaker>[0]) {
  return { breaker: createBreaker(options), advance: (ms: number) => void vi.advanceTimersByTime(ms) };
}

describe('createBreaker', () => {
  it('opens on the third failure within 30 s, by default', () => {
    const { breaker, advance } = setup();
    expect(breaker.record(true)).toBe(false);
    advance(10_000);
    expect(breaker.record(true)).toBe(false);
    expect(breaker.open).toBe(false);
    advance(10_000);
    expect(breaker.record(true)).toBe(true);
    expect(breaker.open).toBe(true);
  });

  it('forgets failures older than the window, and successes do not count', () => {
    const { breaker, advance } = setup();
    breaker.record(true);
    breaker.record(true);
    advance(30_000);
    expect(breaker.record(true)).toBe(false);
    expect(breaker.record(false)).toBe(false);
    expect(breaker.record(true)).toBe(false);
    expect(breaker.open).toBe(false);
    expect(breaker.record(true)).toBe(true);
  });

  it('refuses calls while open, then lets one probe through per cool-down', () => {
    const { breaker, advance } = setup({ failures: 2, cooldownMs: 15_000 });
    expect(breaker.allow()).toBe(true);
    breaker.record(true);
    breaker.record(true);
    expect(breaker.allow()).toBe(false);
    advance(14_999);
    expect(breaker.allow()).toBe(false);
    advance(1);
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    advance(14_999);
    expect(breaker.allow()).toBe(false);
    advance(1);
    expect(breaker.allow()).toBe(true);
  });

  it('closes when the probe succeeds', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 1000 });
    breaker.record(true);
    advance(1000);
    expect(breaker.allow()).toBe(true);
    advance(200);
    expect(breaker.record(false)).toBe(true);
    expect(breaker.open).toBe(false);
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(true);
  });

  it('stays open when the probe fails, and probes again a cool-down later', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 1000 });
    breaker.record(true);
    advance(1000);
    expect(breaker.allow()).toBe(true);
    advance(300);
    expect(breaker.record(true)).toBe(false);
    expect(breaker.open).toBe(true);
    expect(breaker.allow()).toBe(false);
    advance(700);
    expect(breaker.allow()).toBe(true);
    advance(10);
    expect(breaker.record(false)).toBe(true);
  });

  it('ignores successes that arrive within the cool-down (calls sent before it opened)', () => {
    const { breaker, advance } = setup({ failures: 1, cooldownMs: 1000 });
    breaker.record(true);
    advance(500);
    expect(breaker.record(false)).toBe(false);
    expect(breaker.open).toBe(true);
  });

  it('needs fresh failures to open again after closing', () => {
    const { breaker, advance } = setup({ failures: 2, cooldownMs: 1000 });
    breaker.record(true);
    breaker.record(true);
    advance(1000);
    breaker.allow();
    breaker.record(false);
    expect(breaker.record(true)).toBe(false);
    expect(breaker.record(true)).toBe(true);
  });

  it.each([
    [{ failures: 0 }],
    [{ failures: -1, windowMs: Number.NaN }],
    [{ failures: '2' as unknown as number, cooldownMs: 'soon' as unknown as number }],
  ])('falls back to the defaults for unusable options %j', (options) => {
    const { breaker, advance } = setup(options);
    breaker.record(true);
    breaker.record(true);
    expect(breaker.open).toBe(false);
    breaker.record(true);
    expect(breaker.open).toBe(true);
    advance(14_999);
    expect(breaker.allow()).toBe(false);
    advance(1);
    expect(breaker.allow()).toBe(true);
  });
});
