export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseMs: number;
  maxMs: number;
  /** Whether an error is worth another attempt. */
  retryable: (err: unknown) => boolean;
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads retries of many clients. */
export const backoffDelay = (attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random = Math.random): number =>
  random() * Math.min(p.maxMs, p.baseMs * 2 ** attempt);

/** Runs `fn` under `policy`; `onRetry` hears about each failed attempt that will be retried. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= policy.attempts || !policy.retryable(err)) throw err;
      const delay = backoffDelay(attempt, policy);
      onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
