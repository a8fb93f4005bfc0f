/**
 * Text for any value, for messages about things that are not Errors
 * (`Promise.reject({ code: 42 })`, `throw 'nope'`) and for nested props. Never throws:
 * cycles become "[Circular]" and BigInts their digits (both make JSON.stringify throw);
 * what neither JSON nor String can read (a hostile Proxy) becomes "?".
 */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const seen = new WeakSet<object>();
    const json = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v && typeof v === 'object' ? (seen.has(v) ? '[Circular]' : (seen.add(v), v)) : v,
    );
    if (json !== undefined) return json;
  } catch {
    // A throwing getter or toJSON: String() below may still say something useful.
  }
  try {
    return String(value);
  } catch {
    return '?';
  }
}
