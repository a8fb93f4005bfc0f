/**
 * How the edge retries a batch towards the collector while the browser waits.
 * The defaults keep the whole exchange within a few seconds: the SDK has its own
 * retry with backoff, so a longer wait here only holds a request open.
 */
export interface RetryPolicy {
  /** Tries in total, the first included. @default 4 */
  attempts: number;
  /** Delay before the second try; doubled for each later one, with jitter. @default 200 */
  baseDelayMs: number;
  /** Largest single delay. @default 1000 */
  maxDelayMs: number;
  /** Most time spent sleeping between tries; a longer `Retry-After` ends the retries. @default 2000 */
  sleepBudgetMs: number;
  /** Most time one try may take (the collector answers only once rows are durable). @default 5000 */
  attemptTimeoutMs: number;
  /** Most time for all tries together. @default 10000 */
  deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 1000,
  sleepBudgetMs: 2000,
  attemptTimeoutMs: 5000,
  deadlineMs: 10_000,
};

/**
 * Delay before try `attempt + 1` after try `attempt` failed: exponential with "equal
 * jitter" (half fixed, half random), so edges that saw the same outage do not retry in
 * step, yet never retry immediately.
 *
 * @example backoffDelay(1, DEFAULT_RETRY_POLICY) // 100–200 ms
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A `Retry-After` header in milliseconds (delta-seconds or an HTTP date), or `undefined`
 * when absent or unreadable (RFC 9110 §10.2.3).
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
