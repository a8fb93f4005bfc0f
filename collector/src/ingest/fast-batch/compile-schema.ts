import { FORBIDDEN_KEYS, LIMITS, props } from '@lifeline/protocol';

/**
 * Compiles the few zod shapes the wire format uses (strings with length bounds and
 * patterns, numbers with bounds, booleans, enums, arrays of objects, and the protocol's
 * `props`) into plain functions, so the batch route can check a trusted edge batch without
 * zod's per-value overhead. Anything it does not recognise compiles to `null`, and the
 * caller then leaves those events to zod: the fast path may only ever say "valid, and here
 * is exactly what zod would have output" or "ask zod".
 *
 * The checks mirror zod 4's semantics: string lengths in Unicode code points, `int()` as a
 * safe integer, numbers finite, objects stripped of unknown keys with their output in shape
 * order, records in input order.
 */

/** Returned by a compiled field for a value zod would refuse. */
export const INVALID: unique symbol = Symbol('invalid');

/** Returns the value zod would output (the input itself for scalars), or INVALID. */
export type Compiled = (value: unknown) => unknown;

/** A field of an object shape: its key, whether it may be absent, and its check. */
export interface CompiledField {
  key: string;
  optional: boolean;
  parse: Compiled;
}

/** The internals of a zod 4 schema this compiler reads. */
interface ZodInternals {
  _zod: {
    def: {
      type: string;
      checks?: { _zod: { def: Record<string, unknown> } }[];
      format?: string;
      pattern?: RegExp;
      entries?: Record<string, unknown>;
      values?: unknown[];
      innerType?: ZodInternals;
      element?: ZodInternals;
      shape?: Record<string, ZodInternals>;
      catchall?: unknown;
      coerce?: boolean;
    };
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Code points, as zod counts string lengths; only computed when the UTF-16 length is over. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

const fitsMax = (s: string, max: number) => s.length <= max || codePoints(s) <= max;
const fitsMin = (s: string, min: number) => s.length >= min * 2 || codePoints(s) >= min;

function compileString(def: ZodInternals['_zod']['def']): Compiled | null {
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  if (def.format !== undefined) {
    if (!(def.pattern instanceof RegExp)) return null;
    patterns.push(def.pattern);
  }
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'max_length' && typeof c.maximum === 'number') max = Math.min(max, c.maximum);
    else if (c.check === 'min_length' && typeof c.minimum === 'number') min = Math.max(min, c.minimum);
    else if (c.check === 'string_format' && c.pattern instanceof RegExp && !c.pattern.global && !c.pattern.sticky) patterns.push(c.pattern);
    else return null;
  }
  return (v) => {
    if (typeof v !== 'string') return INVALID;
    if (v.length > max && !fitsMax(v, max)) return INVALID;
    if (min > 0 && !fitsMin(v, min)) return INVALID;
    for (const p of patterns) if (!p.test(v)) return INVALID;
    return v;
  };
}

function compileNumber(def: ZodInternals['_zod']['def']): Compiled | null {
  let int = false;
  let lo = -Infinity;
  let loIncl = true;
  let hi = Infinity;
  let hiIncl = true;
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'number_format' && c.format === 'safeint') int = true;
    else if (c.check === 'greater_than' && typeof c.value === 'number') [lo, loIncl] = [c.value, c.inclusive === true];
    else if (c.check === 'less_than' && typeof c.value === 'number') [hi, hiIncl] = [c.value, c.inclusive === true];
    else return null;
  }
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return INVALID;
    if (int && !Number.isSafeInteger(v)) return INVALID;
    if (loIncl ? v < lo : v <= lo) return INVALID;
    if (hiIncl ? v > hi : v >= hi) return INVALID;
    return v;
  };
}

/** An object schema: known keys checked, unknown keys dropped, output in shape order. */
export function compileShape(shape: Record<string, ZodInternals>): CompiledField[] | null {
  const fields: CompiledField[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const optional = schema._zod.def.type === 'optional';
    const parse = compile(optional ? schema._zod.def.innerType! : schema);
    if (!parse) return null;
    fields.push({ key, optional, parse });
  }
  return fields;
}

function compileObject(def: ZodInternals['_zod']['def']): Compiled | null {
  if (!def.shape || def.catchall !== undefined) return null;
  const fields = compileShape(def.shape);
  if (!fields) return null;
  return (v) => {
    if (!isObject(v)) return INVALID;
    const out: Record<string, unknown> = {};
    for (const { key, optional, parse } of fields) {
      const x = v[key];
      if (x === undefined) {
        if (optional) continue;
        return INVALID;
      }
      const y = parse(x);
      if (y === INVALID) return INVALID;
      out[key] = y;
    }
    return out;
  };
}

function compileArray(def: ZodInternals['_zod']['def']): Compiled | null {
  const element = def.element && compile(def.element);
  if (!element) return null;
  let max = Infinity;
  let min = 0;
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'max_length' && typeof c.maximum === 'number') max = c.maximum;
    else if (c.check === 'min_length' && typeof c.minimum === 'number') min = c.minimum;
    else return null;
  }
  return (v) => {
    if (!Array.isArray(v) || v.length > max || v.length < min) return INVALID;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const y = element(v[i]);
      if (y === INVALID) return INVALID;
      out[i] = y;
    }
    return out;
  };
}

/**
 * The protocol's `props`: a flat object of at most `LIMITS.propKeys` keys, none forbidden,
 * each key 1..`LIMITS.propKey` long, each value a string of at most `LIMITS.propValue`, a
 * number, a boolean or null. Written by hand from its definition in protocol/primitives.ts;
 * the equivalence with zod is what `test/fast-batch.test.ts` checks with generated input.
 */
const parseProps: Compiled = (v) => {
  if (!isObject(v)) return INVALID;
  const keys = Object.keys(v);
  if (keys.length > LIMITS.propKeys) return INVALID;
  for (const k of keys) {
    if (k.length === 0 || (k.length > LIMITS.propKey && !fitsMax(k, LIMITS.propKey)) || FORBIDDEN_KEYS.includes(k)) return INVALID;
    const x = v[k];
    if (x === null || typeof x === 'boolean') continue;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) return INVALID;
    } else if (typeof x !== 'string' || (x.length > LIMITS.propValue && !fitsMax(x, LIMITS.propValue))) return INVALID;
  }
  return v;
};

/** Compiles one schema, or returns null when it uses something this compiler does not know. */
export function compile(schema: unknown): Compiled | null {
  if (schema === props) return parseProps;
  const def = (schema as ZodInternals | undefined)?._zod?.def;
  if (!def || def.coerce) return null;
  switch (def.type) {
    case 'string':
      return compileString(def);
    case 'number':
      return compileNumber(def);
    case 'boolean':
      return def.checks?.length ? null : (v) => (typeof v === 'boolean' ? v : INVALID);
    case 'enum': {
      if (def.checks?.length || !def.entries) return null;
      const values = new Set(Object.values(def.entries));
      return (v) => (typeof v === 'string' && values.has(v) ? v : INVALID);
    }
    case 'literal': {
      const values = def.values ?? [];
      return (v) => (values.includes(v) ? v : INVALID);
    }
    case 'array':
      return compileArray(def);
    case 'object':
      return compileObject(def);
    default:
      return null;
  }
}
