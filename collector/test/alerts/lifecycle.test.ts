import { describe, expect, it } from 'vitest';
import { DEFAULT_BURN_RATE_TIERS, Duration } from '@lifeline/protocol';
import { burnRate, judgeTiers } from '../../src/alerts/evaluate/burn-rate';
import { transition } from '../../src/alerts/engine/transition';
import { backoffDelay, MAX_BACKOFF_MS } from '../../src/alerts/notify/backoff';
import { createCircuitBreaker } from '../../src/alerts/notify/circuit-breaker';
import type { AlertState } from '../../src/alerts/queries/state';

const tiers = DEFAULT_BURN_RATE_TIERS.map((t) => ({ ...t, long: Duration.parse(t.long), short: Duration.parse(t.short) }));
const H = 3_600_000;
const M = 60_000;

describe('burn rates', () => {
  it('is the error ratio over the error budget; empty or thin windows burn nothing', () => {
    expect(burnRate({ total: 1000, bad: 10 }, 0.999, 1)).toBeCloseTo(10);
    expect(burnRate({ total: 0, bad: 0 }, 0.999, 1)).toBe(0);
    expect(burnRate({ total: 5, bad: 5 }, 0.999, 10)).toBe(0);
  });

  /** Error ratios per window (ms → ratio) with 1000 calls in each, objective 99.9% (budget 0.1%). */
  const counts = (ratios: Record<number, number>) => new Map(Object.entries(ratios).map(([w, r]) => [Number(w), { total: 1000, bad: Math.round(r * 1000) }]));
  const matched = (ratios: Record<number, number>) => judgeTiers(tiers, counts(ratios), 0.999, 1).filter((t) => t.matched).map((t) => t.tier.name);

  it.each([
    ['page-fast: 2% over 1h and 5m', { [H]: 0.02, [5 * M]: 0.02 }, ['page-fast']],
    ['page-fast needs the short window too', { [H]: 0.02, [5 * M]: 0.01 }, []],
    ['page-slow: 0.7% over 6h and 30m', { [6 * H]: 0.007, [30 * M]: 0.007 }, ['page-slow']],
    ['ticket-fast: 0.35% over 1d and 2h', { [24 * H]: 0.0035, [2 * H]: 0.0035 }, ['ticket-fast']],
    ['ticket-slow: 0.15% over 3d and 6h', { [72 * H]: 0.0015, [6 * H]: 0.0015 }, ['ticket-slow']],
    ['a burn exactly at the factor does not match', { [H]: 0.0144, [5 * M]: 0.0144 }, []],
  ])('%s', (_why, ratios, expected) => {
    expect(matched(ratios)).toEqual(expected);
  });
});

describe('alert lifecycle', () => {
  const state = (status: AlertState['status'], last_sent_at: number) => ({ status, last_sent_at }) as AlertState;
  it.each([
    ['starts firing', undefined, true, 0, 'firing'],
    ['fires again after a resolve', state('resolved', 0), true, 0, 'firing'],
    ['stays quiet within the repeat interval', state('firing', 0), true, H - 1, undefined],
    ['repeats once the interval has passed', state('firing', 0), true, H, 'repeat'],
    ['resolves when the condition ends', state('firing', 0), false, 10, 'resolved'],
    ['does nothing while resolved', state('resolved', 0), false, 10, undefined],
    ['does nothing for a quiet new alert', undefined, false, 10, undefined],
  ] as const)('%s', (_why, prev, active, now, expected) => {
    expect(transition(prev, active, now, H)).toBe(expected);
  });
});

describe('delivery helpers', () => {
  it('backs off exponentially with full jitter, capped, honouring Retry-After as a floor', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(500, a, () => 0.999999))).toEqual([499, 999, 1999, 3999]);
    expect(backoffDelay(500, 3, () => 0)).toBe(0);
    expect(backoffDelay(500, 30, () => 0.999999)).toBe(MAX_BACKOFF_MS - 1);
    expect(backoffDelay(500, 0, () => 0, 2000)).toBe(2000);
    expect(backoffDelay(500, 0, () => 0, 600_000)).toBe(MAX_BACKOFF_MS);
  });

  it('opens a circuit after N failed deliveries, tries once after the cooldown, closes on success', () => {
    const b = createCircuitBreaker({ failures: 2, cooldownMs: 1000 });
    expect(b.allow(0)).toBe(true);
    b.failure(0);
    expect(b.state(0)).toBe('closed');
    b.failure(10);
    expect(b.state(10)).toBe('open');
    expect(b.allow(500)).toBe(false);
    expect(b.allow(1010)).toBe(true);
    expect(b.allow(1011)).toBe(false);
    b.failure(1020);
    expect(b.allow(1500)).toBe(false);
    expect(b.allow(2020)).toBe(true);
    b.success();
    expect(b.state(2021)).toBe('closed');
    expect(b.allow(2021)).toBe(true);
  });
});
