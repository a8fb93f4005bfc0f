export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /** Whether a delivery may be tried now; in half-open, only one trial at a time. */
  allow(now: number): boolean;
  success(): void;
  failure(now: number): void;
  state(now: number): CircuitState;
}

/**
 * A per-channel circuit breaker. After `failures` deliveries in a row failed (each after
 * its retries), the channel is skipped for `cooldownMs`, so notifications go straight to
 * the next channel instead of waiting out retries against a receiver that is down. Then
 * one trial delivery decides: success closes it, failure opens it for another cooldown.
 *
 * @example const breaker = createCircuitBreaker({ failures: 3, cooldownMs: 300_000 })
 */
export function createCircuitBreaker(options: { failures: number; cooldownMs: number }): CircuitBreaker {
  let consecutive = 0;
  let openUntil = 0;
  let trial = false;
  const state = (now: number): CircuitState => (consecutive < options.failures ? 'closed' : now < openUntil ? 'open' : 'half-open');
  return {
    allow(now) {
      const s = state(now);
      if (s === 'closed') return true;
      if (s === 'open' || trial) return false;
      trial = true;
      return true;
    },
    success() {
      consecutive = 0;
      trial = false;
    },
    failure(now) {
      consecutive++;
      trial = false;
      if (consecutive >= options.failures) openUntil = now + options.cooldownMs;
    },
    state,
  };
}
