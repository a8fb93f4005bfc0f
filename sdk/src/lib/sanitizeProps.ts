import type { Props } from '@lifeline/protocol';
import { FORBIDDEN_KEYS, LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';
import { stringify } from './stringify.js';

/**
 * Turns whatever the page passed as `props` or error context into the protocol's flat
 * `Props` map, so a careless call still produces an event the edge accepts: at most
 * LIMITS.propKeys keys, forbidden keys dropped, long strings cut, nested objects and
 * arrays as JSON text, dates as ISO text, NaN and Infinity as null (JSON has neither, and
 * the protocol refuses them rather than guess); undefined, functions and symbols left
 * out. Returns undefined when nothing is left.
 */
export function sanitizeProps(input: unknown): Props | undefined {
  if (!input || typeof input != 'object' || Array.isArray(input)) return undefined;
  const out: Props = {};
  let n = 0;
  for (const key of Object.keys(input)) {
    const v: unknown = (input as Record<string, unknown>)[key];
    const t = typeof v;
    if (n < LIMITS.propKeys && key && !FORBIDDEN_KEYS.includes(key) && v !== undefined && t != 'function' && t != 'symbol') {
      n++;
      out[clip(key, LIMITS.propKey)] =
        v === null || t == 'boolean'
          ? (v as boolean | null)
          : t == 'number'
            ? isFinite(v as number) ? (v as number) : null
            : v instanceof Date
              ? isFinite(+v) ? v.toISOString() : null
              : clip(stringify(t == 'bigint' ? String(v) : v), LIMITS.propValue);
    }
  }
  return n ? out : undefined;
}
