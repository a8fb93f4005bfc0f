import { describe, expect, it } from 'vitest';
import { createBreaker } from '../src/payments/breaker';

describe('createBreaker', () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('opens after N failures within the window, probes once after the cool-down, closes on success', () => {
    const c = clock();
    const b = createBreaker({ failures: 3, windowMs: 1000, cooldownMs: 500, now: c.now });
    b.failure();
    b.failure();
    expect(b.state()).toBe('closed');
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.allow()).toBe(false);
    c.advance(500);
    expect(b.state()).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one probe at a time
    b.success();
    expect(b.state()).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const b = createBreaker({ failures: 3, windowMs: 1000, now: c.now });
    b.failure();
    b.failure();
    c.advance(1001);
    b.failure();
    expect(b.state()).toBe('closed');
  });

  it('a failed probe opens it again for another cool-down', () => {
    const c = clock();
    const b = createBreaker({ failures: 1, cooldownMs: 500, now: c.now });
    b.failure();
    c.advance(500);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state()).toBe('open');
    c.advance(499);
    expect(b.allow()).toBe(false);
  });
});
