/**
 * The page's `fetch` as it is now, bound to the window; undefined where there is none.
 * Taken before network capture wraps fetch, so the SDK's own requests (batches, flag
 * polls) are never recorded, tagged or answered by a breaker.
 */
export function originalFetch(): typeof fetch | undefined {
  return typeof fetch == 'function' ? fetch.bind(globalThis) : undefined;
}
