import { FILTERED, SENSITIVE_NAMES, scrubText } from './scrubText.js';

const SENSITIVE = new RegExp(SENSITIVE_NAMES, 'i');
// Identifiers are chosen by the store and looked up verbatim (an order number may pass
// the Luhn check); they are never rewritten.
const KEEP = /_id$|^fingerprint$/;

/**
 * A copy of `value` (an event, at the top) with every string scrubbed by `scrubText`, and
 * the value of any field or prop with a sensitive name (`password`, `auth_token`…)
 * replaced by `[Filtered]`. Fields named `*_id` and `fingerprint` are kept as they are.
 */
export function scrubEvent<T>(value: T, key = ''): T {
  if (KEEP.test(key)) return value;
  if (SENSITIVE.test(key)) return FILTERED as T;
  if (typeof value == 'string') return scrubText(value) as T;
  if (!value || typeof value != 'object') return value;
  const out = (Array.isArray(value) ? [] : {}) as Record<string, unknown>;
  for (const k in value) out[k] = scrubEvent(value[k], k);
  return out as T;
}
