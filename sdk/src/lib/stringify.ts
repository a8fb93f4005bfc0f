import { safely } from './safely.js';

/**
 * Text for any value, for messages about things that are not Errors
 * (`Promise.reject({ code: 42 })`, `throw 'nope'`) and for nested props. Never throws:
 * cycles become "[Circular]" and BigInts their digits (both make JSON.stringify throw);
 * what JSON cannot say (undefined, a symbol) is String()'s text, and what neither can
 * read (a hostile Proxy) becomes "?".
 */
export function stringify(value: unknown): string {
  if (typeof value == 'string') return value;
  const seen = new WeakSet<object>();
  return (
    safely(() =>
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v == 'bigint' ? String(v) : v && typeof v == 'object' ? (seen.has(v) ? '[Circular]' : (seen.add(v), v)) : v,
      ),
    ) ?? safely(() => String(value), '?')
  );
}
