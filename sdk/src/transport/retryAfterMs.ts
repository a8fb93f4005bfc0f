/** A Retry-After longer than this is treated as this: a page rarely lives an hour anyway. */
export const RETRY_AFTER_MAX_MS = 60 * 60 * 1000;

/**
 * Milliseconds a `Retry-After` header asks us to wait: either delay-seconds or an
 * HTTP-date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 *
 * @example retryAfterMs('120') // 120000
 */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = +value;
  const ms = isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  // NaN (unreadable) fails both comparisons.
  return ms >= 0 ? Math.min(ms, RETRY_AFTER_MAX_MS) : ms < 0 ? 0 : undefined;
}
