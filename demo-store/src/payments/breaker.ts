export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Failures within `windowMs` that open the breaker. @default 3 */
  failures?: number;
  /** @default 30_000 */
  windowMs?: number;
  /** How long it stays open before one probe call is let through. @default 10_000 */
  cooldownMs?: number;
  now?: () => number;
}

export interface Breaker {
  state(): BreakerState;
  /** Whether a call may go through now; in half-open only one probe at a time. */
  allow(): boolean;
  success(): void;
  failure(): void;
}

/**
 * A circuit breaker: after `failures` failures within `windowMs` it opens and refuses
 * calls; after `cooldownMs` it lets one probe through; the probe's success closes it,
 * its failure opens it again.
 */
export function createBreaker(o: BreakerOptions = {}): Breaker {
  const limit = o.failures ?? 3;
  const windowMs = o.windowMs ?? 30_000;
  const cooldownMs = o.cooldownMs ?? 10_000;
  const now = o.now ?? Date.now;
  let failures: number[] = [];
  let openedAt = 0;
  let state: BreakerState = 'closed';
  let probing = false;

  const current = (): BreakerState => {
    if (state === 'open' && now() - openedAt >= cooldownMs) {
      state = 'half-open';
      probing = false;
    }
    return state;
  };

  return {
    state: current,
    allow() {
      const s = current();
      if (s === 'closed') return true;
      if (s === 'half-open' && !probing) {
        probing = true;
        return true;
      }
      return false;
    },
    success() {
      state = 'closed';
      probing = false;
      failures = [];
    },
    failure() {
      const t = now();
      if (current() === 'half-open') {
        state = 'open';
        openedAt = t;
        probing = false;
        return;
      }
      failures = failures.filter((f) => t - f < windowMs);
      failures.push(t);
      if (failures.length >= limit) {
        state = 'open';
        openedAt = t;
        failures = [];
      }
    },
  };
}
