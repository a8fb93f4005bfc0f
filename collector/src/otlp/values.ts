import { FORBIDDEN_KEYS, LIMITS, type Props } from '@lifeline/protocol';

/**
 * OTLP/JSON values. An `AnyValue` is one of `stringValue`, `boolValue`, `intValue` (a
 * number or a decimal string: 64-bit), `doubleValue`, `bytesValue` (base64),
 * `arrayValue: { values }`, `kvlistValue: { values: [{ key, value }] }`; attributes are
 * lists of `{ key, value }`. Lifeline's `props` hold flat scalars, so nested values are
 * kept as JSON text, and everything is cut to the protocol's limits rather than refused:
 * a long attribute should not cost the whole log line.
 */

type Scalar = string | number | boolean | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair (the
 * protocol counts code points, so this always fits).
 */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = (s.charCodeAt(max - 1) & 0xfc00) === 0xd800 ? max - 1 : max;
  return s.slice(0, end);
}

/** An AnyValue as a JSON-able value (nested values kept nested), for text and JSON forms. */
export function plainValue(v: unknown, depth = 0): unknown {
  if (!isObject(v) || depth > 8) return null;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) return intValue(v.intValue);
  if (v.doubleValue !== undefined) {
    const d = Number(v.doubleValue);
    return Number.isFinite(d) ? d : String(v.doubleValue);
  }
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  if (isObject(v.arrayValue)) {
    const values = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map((x) => plainValue(x, depth + 1));
  }
  if (isObject(v.kvlistValue)) {
    const out: Record<string, unknown> = {};
    for (const kv of Array.isArray(v.kvlistValue.values) ? v.kvlistValue.values : []) {
      if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = plainValue(kv.value, depth + 1);
    }
    return out;
  }
  return null;
}

/** 64-bit integers arrive as decimal strings; a number when it is exact, else the string. */
function intValue(v: unknown): number | string | null {
  const n = Number(v);
  if (Number.isSafeInteger(n)) return n;
  return typeof v === 'string' && /^-?\d+$/.test(v) ? v : null;
}

/** An AnyValue as text: strings as they are, anything else as JSON (a log body). */
export function valueText(v: unknown): string {
  const plain = plainValue(v);
  if (plain === null) return '';
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

/** An AnyValue as a `props` value: scalars kept, nested values as JSON text, all within limits. */
export function propValue(v: unknown): Scalar {
  const plain = plainValue(v);
  if (plain === null || typeof plain === 'boolean' || typeof plain === 'number') return plain;
  return cut(typeof plain === 'string' ? plain : JSON.stringify(plain), LIMITS.propValue);
}

/** An OTLP attribute list as a map of key → raw AnyValue (later keys win). */
export function attributeMap(list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isObject(kv) && typeof kv.key === 'string') out.set(kv.key, kv.value);
  return out;
}

/**
 * Builds `props` from fixed entries first (span IDs, durations) and then attributes, up to
 * the protocol's key limit; keys that are empty or forbidden are skipped, long ones cut.
 */
export function toProps(fixed: Record<string, Scalar | undefined>, attributes: Map<string, unknown>): Props | undefined {
  const out: Props = {};
  let n = 0;
  const put = (key: string, value: Scalar) => {
    const k = cut(key, LIMITS.propKey);
    if (!k || FORBIDDEN_KEYS.includes(k) || k in out || n >= LIMITS.propKeys) return;
    out[k] = value;
    n++;
  };
  for (const [k, v] of Object.entries(fixed)) if (v !== undefined) put(k, v);
  for (const [k, v] of attributes) put(k, propValue(v));
  return n > 0 ? out : undefined;
}

/** The first string an attribute holds (a string, or the first of a string array). */
export function attributeString(attributes: Map<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const plain = plainValue(attributes.get(key));
    const s = Array.isArray(plain) ? plain.find((x) => typeof x === 'string') : plain;
    if (typeof s === 'string' && s !== '') return s;
    if (typeof s === 'number') return String(s);
  }
  return undefined;
}
