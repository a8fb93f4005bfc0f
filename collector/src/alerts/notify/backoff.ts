/** Longest wait between two attempts, whatever the base or a Retry-After says. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * The wait before retry `attempt` (0 for the first retry): "full jitter", a uniform draw
 * from 0 to `baseMs × 2^attempt`, so receivers coming back from an outage are not hit by
 * every sender at the same instant (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"). A receiver's Retry-After is honoured as a floor.
 *
 * @example backoffDelay(500, 2, Math.random) // between 0 and 2000
 */
export function backoffDelay(baseMs: number, attempt: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  const jittered = Math.floor(random() * ceiling);
  return Math.min(MAX_BACKOFF_MS, Math.max(jittered, retryAfterMs ?? 0));
}
