/**
 * Exponential backoff with jitter: 250 ms, 500 ms, 1 s … up to `maxMs`, each delay drawn
 * between half and all of its step so collectors that failed together do not retry together.
 *
 * @example const b = createBackoff(); await sleep(b.next()); b.reset()
 */
export function createBackoff(options: { baseMs?: number; maxMs?: number } = {}) {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 30_000;
  let attempt = 0;
  return {
    next(): number {
      const step = Math.min(max, base * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      return Math.round(step / 2 + (Math.random() * step) / 2);
    },
    reset() {
      attempt = 0;
    },
    get attempts() {
      return attempt;
    },
  };
}
