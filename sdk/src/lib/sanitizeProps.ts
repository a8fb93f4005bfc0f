import type { Props } from '@lifeline/protocol';
import { FORBIDDEN_KEYS, LIMITS } from '@lifeline/protocol/limits';
import { clip } from './clip.js';
import { stringify } from './stringify.js';

function scalar(value: unknown): Props[string] | undefined {
  switch (typeof value) {
    case 'string':
      return clip(value, LIMITS.propValue);
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; the protocol refuses them rather than guess.
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return clip(String(value), LIMITS.propValue);
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      // Nested values become their JSON text: props are flat so each fits one column.
      return clip(stringify(value), LIMITS.propValue);
    default:
      // undefined, functions and symbols carry nothing worth sending.
      return undefined;
  }
}

/**
 * Turns whatever the page passed as `props` or error context into the protocol's flat
 * `Props` map, so a careless call still produces an event the edge accepts: at most
 * LIMITS.propKeys keys, forbidden keys dropped, long strings cut, nested objects as JSON.
 * Returns undefined when nothing is left.
 */
export function sanitizeProps(input: unknown): Props | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const out: Props = {};
  let n = 0;
  for (const key of Object.keys(input)) {
    if (n >= LIMITS.propKeys) break;
    if (!key || FORBIDDEN_KEYS.includes(key)) continue;
    const value = scalar((input as Record<string, unknown>)[key]);
    if (value === undefined) continue;
    out[clip(key, LIMITS.propKey)] = value;
    n++;
  }
  return n ? out : undefined;
}
