/**
 * Text for any value, for messages about things that are not Errors
 * (`Promise.reject({ code: 42 })`, `throw 'nope'`) and for nested props. Never throws:
 * cycles become "[Circular]" and BigInts their digits (both make JSON.stringify throw),
 * and `Object.create(null)` (which makes String() throw) falls back to its tag.
 */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const seen = new WeakSet<object>();
    const json = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return String(v);
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    if (json !== undefined) return json;
  } catch {
    // A throwing getter or toJSON: String() below may still say something useful.
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
