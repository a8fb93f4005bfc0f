/**
 * Runs `fn` and returns its result, or `fallback` if it throws.
 *
 * Every entry point the page can reach goes through this: the SDK must never turn its
 * own failure into the page's failure (or into an `error` event it would then report).
 */
export function safely<T>(fn: () => T, fallback: T): T;
export function safely<T>(fn: () => T): T | undefined;
export function safely<T>(fn: () => T, fallback?: T): T | undefined {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
