import { FILTERED, SENSITIVE_NAMES, scrubText } from './scrubText.js';

const SENSITIVE = new RegExp(SENSITIVE_NAMES, 'i');
// Identifiers are chosen by the store and looked up verbatim (an order number may pass
// the Luhn check); they are never rewritten.
const KEEP = /_id$|^fingerprint$/;

function clean(value: unknown, key: string): unknown {
  if (KEEP.test(key)) return value;
  if (SENSITIVE.test(key)) return FILTERED;
  if (typeof value === 'string') return scrubText(value);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Array.isArray(value) ? ([] as never) : {};
    for (const k in value) out[k] = clean((value as Record<string, unknown>)[k], k);
    return out;
  }
  return value;
}

/**
 * A copy of `event` with every string scrubbed by `scrubText`, and the value of any field
 * or prop with a sensitive name (`password`, `auth_token`…) replaced by `[Filtered]`.
 * Fields named `*_id` and `fingerprint` are kept as they are.
 */
export function scrubEvent<T extends object>(event: T): T {
  return clean(event, '') as T;
}
