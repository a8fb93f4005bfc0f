import { positive } from './positive.js';
import type { BreakerOptions } from './types.js';

export interface Breaker {
  /** True while the feature's backend is considered down. */
  readonly open: boolean;
  /** Whether a call may go out now: always while closed; while open, one probe per cool-down. */
  allow(): boolean;
  /** Records how a call ended; true when this opened or closed the breaker. */
  record(failed: boolean): boolean;
}

/**
 * A circuit breaker for one feature's backend calls.
 *
 * Closed: `failures` failed calls within `windowMs` open it. Open: calls are refused until
 * `cooldownMs` after it opened; then `allow()` lets one probe through per cool-down. A call
 * that succeeds once the cool-down is over closes it. Failures while open change nothing:
 * a failed probe leaves it open, and the next probe goes a cool-down after the last one.
 * Successes of calls sent before it opened (still in flight, or XMLHttpRequests, which are
 * never refused) arrive within the cool-down and are ignored for the same reason.
 *
 * @example
 * const breaker = createBreaker({ failures: 5 });
 * if (breaker.allow()) breaker.record(!(await send()).ok);
 */
export function createBreaker(options: BreakerOptions = {}, now: () => number = Date.now): Breaker {
  const max = positive(options.failures, 3);
  const windowMs = positive(options.windowMs, 30000);
  const cooldown = positive(options.cooldownMs, 15000);
  let fails: number[] = [];
  let openedAt = 0;
  let probeAt = 0;
  const breaker = {
    open: false,
    allow() {
      const t = now();
      if (!breaker.open) return true;
      if (t < probeAt) return false;
      probeAt = t + cooldown;
      return true;
    },
    record(failed: boolean) {
      const t = now();
      // Open: only a success after the cool-down (a probe's) closes it.
      if (breaker.open) return !failed && t >= openedAt + cooldown && !(breaker.open = false);
      if (!failed) return false;
      fails = fails.filter((f) => t - f < windowMs);
      if (fails.push(t) < max) return false;
      fails = [];
      openedAt = t;
      probeAt = t + cooldown;
      return (breaker.open = true);
    },
  };
  return breaker;
}
