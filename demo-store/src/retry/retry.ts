export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  /** Ceiling of the delay before the second attempt; it doubles with each further attempt. */
  baseMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  /** Whether an error is worth another attempt. */
  retryable: (err: unknown) => boolean;
}

/** The most a delay can be after failed attempt number `attempt` (0 for the first): `baseMs · 2^attempt`, capped at `maxMs`. */
export const backoffCeiling = (attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>): number =>
  Math.min(p.maxMs, p.baseMs * 2 ** attempt);

/**
 * The delay after failed attempt number `attempt`: uniform between 0 and its ceiling
 * ("full jitter", AWS Architecture Blog, "Exponential Backoff and Jitter"), so the retries
 * of many clients spread out instead of arriving together.
 *
 * @example backoffDelay(2, { baseMs: 100, maxMs: 1000 }) // somewhere in [0, 400)
 */
export const backoffDelay = (attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number =>
  random() * backoffCeiling(attempt, p);

export interface RetryHooks {
  /** Hears about each failed attempt that will be retried, with the delay before the next. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Uniform in [0, 1). @default Math.random */
  random?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `fn` under `policy`: at most `policy.attempts` times, again only after an error
 * the policy calls retryable, with a jittered exponential delay between attempts. The
 * last error is thrown as it was.
 *
 * @example await withRetry((attempt) => charge(req), RETRY['payment.primary'], { onRetry: log })
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? wait;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= policy.attempts || !policy.retryable(err)) throw err;
      const delay = backoffDelay(attempt, policy, hooks.random);
      hooks.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
