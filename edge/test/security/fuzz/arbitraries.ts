import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrorResponse, LIMITS } from '@lifeline/protocol';

/**
 * Inputs per property: `LIFELINE_FUZZ_RUNS` (passed through vitest.config.ts) for a long
 * run, else `fallback`, which keeps `npm test` fast.
 */
export function runs(fallback = 300): number {
  const asked = Number(env.LIFELINE_FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : fallback;
}

/** A test's time limit for `count` inputs: generous, since large inputs take a few ms each in workerd. */
export function timeoutFor(count: number): number {
  return 30_000 + count * 250;
}

/** Keys that pollute prototypes when an object is copied naively. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Strings that break naive code: lone surrogates, direction and zero-width marks, emoji, NUL, BOM. */
const nasty = fc.constantFrom(
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  'zero\u200bwidth\u200d',
  '\ufeffbom',
  '\u0000nul',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '𝕏'.repeat(300),
  '%00%ff%E0%A4%A',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$ne":null}',
  'toString',
  'hasOwnProperty',
  ...POLLUTING_KEYS,
);

/** Short strings a hostile client might send: random code units (lone surrogates included), graphemes, known troublemakers. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: nasty },
);

/** A troublemaker repeated to any length up to 40 000 characters: past every field's limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(nasty, fc.integer({ min: 1, max: 40_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

/**
 * Any string, now and then a huge one. Huge values are rare on purpose: a body past the
 * 256 KiB limit is refused before anything else is looked at, so too many of them would
 * only test the size check.
 */
export const anyString: fc.Arbitrary<string> = fc.oneof({ weight: 40, arbitrary: hostileString }, { weight: 1, arbitrary: hugeString });

/** JSON number texts, including ones JavaScript cannot hold exactly. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('-0', '1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000001', '9007199254740993', '1E400'),
);

/** A JSON text leaf: null, booleans, numbers, strings. */
const leaf = fc.oneof(fc.constant('null'), fc.boolean().map(String), numberText, hostileString.map((s) => JSON.stringify(s)));

const key = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: fc.constantFrom(...POLLUTING_KEYS) });

/** Builds an object's JSON text from entries, so `__proto__` stays a key (an object literal would make it a prototype). */
export const objectText = (entries: ReadonlyArray<readonly [string, string]>) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** Any JSON text: nested arrays and objects with hostile keys at every level. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }).map((items) => `[${items.join(',')}]`),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map(objectText),
})).value;

/** Nesting far deeper than any parser's recursion should go, within the body limit. */
export const deepText = fc
  .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"__proto__":', '}']), leaf)
  .map(([depth, [open, close], inner]) => {
    const n = Math.min(depth, Math.floor((LIMITS.sdkBatchBytes - 64) / (open!.length + close!.length)));
    return open!.repeat(n) + inner + close!.repeat(n);
  });

/** Bytes that are often not UTF-8: random, or valid JSON with random bytes spliced in. */
export const hostileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(jsonText, fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat()).map(([text, bytes, at]) => {
    const utf8 = new TextEncoder().encode(text);
    const cut = utf8.length === 0 ? 0 : at % utf8.length;
    const out = new Uint8Array(utf8.length + bytes.length);
    out.set(utf8.subarray(0, cut));
    out.set(bytes, cut);
    out.set(utf8.subarray(cut), cut + bytes.length);
    return out;
  }),
  fc.constantFrom(
    new Uint8Array([0xc0, 0x80]),
    new Uint8Array([0xed, 0xa0, 0x80]),
    new Uint8Array([0xf4, 0x90, 0x80, 0x80]),
    new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    new Uint8Array([0xfe, 0xff, 0x00, 0x7b]),
  ),
);

/** Header values a client may send (printable Latin-1, as `Headers` accepts), up to 64 KiB. */
export const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 * 1024 }).map((n) => 'A'.repeat(n)) },
  { weight: 3, arbitrary: fc.constantFrom('', ' ', '*', 'W/"x", "y", *', 'Bearer', 'Bearer ', 'Basic Og==', 'null', '-1', '99999999999999999999', 'text/plain;charset=utf-16') },
);

/** Either a hostile value or one drawn from `valid`, mostly the valid one: keeps inputs deep enough to reach later checks. */
export const mostly = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: jsonText });

/**
 * What every answer to hostile input must be: no 5xx, and every refusal a 4xx with an
 * `ErrorResponse` that has a reason. Answers the status for further checks.
 */
export async function expectCleanAnswer(res: Response, method = 'GET'): Promise<number> {
  expect(res.status, `a ${res.status}`).toBeLessThan(500);
  // HEAD answers carry no body, refusals included.
  if (res.status >= 400 && method !== 'HEAD') {
    const body = ErrorResponse.parse(await res.json());
    expect(body.reason.length).toBeGreaterThan(0);
  } else {
    await res.body?.cancel();
  }
  return res.status;
}

/** A path segment from any string: every UTF-8 byte percent-encoded (encodeURIComponent throws on lone surrogates). */
export const segment = (s: string) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** After a run: no input reached `Object.prototype` (a polluted prototype shows on every object). */
export function expectPrototypesUntouched(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
