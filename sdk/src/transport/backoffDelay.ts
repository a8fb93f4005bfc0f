/** First retry waits about a second. */
export const BACKOFF_BASE_MS = 1000;
/** Retries never wait longer than five minutes, however long the outage. */
export const BACKOFF_MAX_MS = 5 * 60 * 1000;

/**
 * How long to wait before retry number `failures` (1 for the first): doubling from
 * BACKOFF_BASE_MS up to BACKOFF_MAX_MS, then a random point in the upper half of that,
 * so thousands of pages that lost the endpoint together do not return together, while
 * none retries sooner than half the nominal delay.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ ("equal jitter")
 *
 * @example backoffDelay(3) // between 2000 and 4000
 */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  return (Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS) * (1 + random())) / 2;
}
