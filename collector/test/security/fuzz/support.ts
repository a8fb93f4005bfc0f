import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrorResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../../src/collector';
import type { Logger } from '../../../src/log';
import { countEvents, countRows, tempDir, testConfig } from '../../helpers';

/**
 * Shared pieces of the collector's HTTP fuzzers: how many inputs to try, hostile strings,
 * bytes, JSON and headers, and the checks every answer and every write must pass. The
 * collector under test is the real one, on its own embedded chDB.
 */

/**
 * Inputs per property: `LIFELINE_FUZZ_RUNS` (times `share`, for properties whose inputs
 * are large) for a long run, else `fallback`, which keeps `npm test` fast.
 */
export function runs(fallback = 150, share = 1): number {
  const asked = Number(process.env.LIFELINE_FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? Math.max(1, Math.round(asked * share)) : fallback;
}

/**
 * fast-check's parameters for `count` inputs. Each input costs a few chDB queries, so
 * shrinking a failure is cut short before the test's time limit: the smallest input found
 * by then is reported.
 */
export function params(count: number): fc.Parameters<unknown> {
  return { numRuns: count, interruptAfterTimeLimit: timeoutFor(count) - 15_000, markInterruptAsFailure: true };
}

/** A test's time limit for `count` inputs: generous, since an accepted input waits for a chDB insert. */
export function timeoutFor(count: number): number {
  return 60_000 + count * 250;
}

/** Keys that pollute prototypes when an object is copied naively. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Strings that break naive code: lone surrogates, direction and zero-width marks, emoji, NUL, BOM, SQL and path tricks. */
export const NASTY = [
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  'zero\u200bwidth\u200d',
  '\ufeffbom',
  '\u0000nul',
  'line\r\nbreak',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '𝕏',
  '%00%ff%E0%A4%A',
  '../../etc/passwd',
  "'; DROP TABLE events; --",
  '{param:String}',
  '\\',
  '<script>alert(1)</script>',
  'toString',
  'hasOwnProperty',
  ...POLLUTING_KEYS,
] as const;

const nasty = fc.constantFrom(...NASTY);

/** Short strings a hostile client might send: random code units (lone surrogates included), graphemes, known troublemakers. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: nasty },
);

/** A troublemaker repeated to exactly `n` characters. */
export const repeatTo = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);

/** A troublemaker repeated to any length up to 40 000 characters: past every field's limit but the stack's. */
export const hugeString: fc.Arbitrary<string> = fc.tuple(nasty, fc.integer({ min: 1, max: 40_000 })).map(([s, n]) => repeatTo(s, n));

/** A string of `max` code points or one more, in one-unit or two-unit (astral) characters: the two sides of a length limit. */
export const aroundLimit = (max: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('a', '\u05e9', '😀', '\u0000', '\u200b'), fc.constantFrom(max - 1, max, max + 1)).map(([c, n]) => c.repeat(Math.max(0, n)));

/** A string that is valid wherever at most `max` characters are: short hostile text cut to fit, or exactly `max` code points. */
export const textUpTo = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: hostileString.map((s) => [...s].slice(0, max).join('')) },
    { weight: 1, arbitrary: fc.constantFrom('a', '😀', '\u05e9').map((c) => c.repeat(max)) },
  );

/**
 * An object with extra own keys, `__proto__` included: `JSON.stringify` writes an own
 * `__proto__` like any key, and `JSON.parse` reads it back as an own key, so the key
 * reaches the collector as hostile clients send it.
 */
export function withKeys(target: object, entries: ReadonlyArray<readonly [string, unknown]>): object {
  for (const [k, v] of entries) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  return target;
}

/** JSON numbers that are awkward for JavaScript or ClickHouse (`Infinity` only comes from JSON text such as 1e999). */
export const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(-0, -1, 0.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, 1e308, 5e-324, 8.64e15, 8.64e15 + 1),
);

/** Any JSON value, nested, with hostile keys (the polluting ones included) and strings at every level. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: object }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    awkwardNumber,
    fc.oneof({ weight: 30, arbitrary: hostileString }, { weight: 1, arbitrary: hugeString }),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc
    .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: fc.constantFrom(...POLLUTING_KEYS) }), tie('value')), { maxLength: 5 })
    .map((entries) => withKeys({}, entries)),
})).value;

/** Any JSON text, including numbers JavaScript cannot hold (`1e999` parses to Infinity). */
export const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('1e999', '[-1e999]', '{"a":1e999}', '123456789012345678901234567890', '"\\ud800"', '{"__proto__":{"polluted":1}}', '[]', '{}', 'null') },
);

/** Nesting far deeper than a recursive walk can follow (about 10 000 levels in Node), within the body limits. */
export const deepText = fc
  .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"__proto__":', '}']))
  .map(([depth, [open, close]]) => open!.repeat(depth) + '1' + close!.repeat(depth));

/** JSON text to put into a value as is: numbers JavaScript cannot write (`1e999`), or nesting too deep to build as objects. */
export class Raw {
  constructor(readonly text: string) {}
}

/** Raw texts: numbers past every limit, and deep nesting. */
export const rawJson: fc.Arbitrary<Raw> = fc
  .oneof(
    { weight: 8, arbitrary: fc.constantFrom('1e999', '-1e999', '1E400', '-0', '123456789012345678901234567890', '0.0000000000000000000001', '9007199254740993') },
    { weight: 1, arbitrary: deepText },
  )
  .map((t) => new Raw(t));

/** `JSON.stringify`, with each `Raw` written as its text. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const nonce = randomUUID();
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Raw ? `${nonce}:${raws.push(v.text) - 1}` : v));
  return raws.length === 0 ? text : text.replace(new RegExp(`"${nonce}:(\\d+)"`, 'g'), (_m, i: string) => raws[Number(i)]!);
}

/** Bytes that are often not UTF-8: random, JSON with random bytes spliced in, overlong forms, lone surrogates, BOMs, UTF-16. */
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
    new Uint8Array([0xc0, 0x80]), // overlong NUL
    new Uint8Array([0x5b, 0x22, 0xe0, 0x80, 0xaf, 0x22, 0x5d]), // ["<overlong />"]
    new Uint8Array([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]), // ["<lone surrogate>"]
    new Uint8Array([0xf4, 0x90, 0x80, 0x80]), // past U+10FFFF
    new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // BOM {}
    new Uint8Array([0xef, 0xbb, 0xbf, 0x5b, 0x5d]), // BOM []
    new Uint8Array([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]), // UTF-16 BE {}
    new Uint8Array([0xff, 0xfe, 0x5b, 0x00, 0x5d, 0x00]), // UTF-16 LE []
    new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), // a gzip header, cut short
  ),
);

/** Header values a client may send (Latin-1, as `Headers` accepts), up to 64 KiB. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 * 1024 }).map((n) => 'A'.repeat(n)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', ' ', '*', 'null', '-1', '0', '1e9', '99999999999999999999', 'NaN', 'Bearer', 'Bearer ', 'Basic Og==', 'text/plain;charset=utf-16', 'application/json; charset=latin1', 'gzip, gzip', 'GZIP', 'identity', 'br', 'deflate'),
  },
);

/**
 * Any `Authorization` header: hostile text, or a real token mangled the ways clients get
 * it wrong (scheme case, extra spaces, a suffix, a second token, no scheme).
 */
export const authorizationFor = (token: string): fc.Arbitrary<string> =>
  fc.oneof(
    headerValue,
    fc.constantFrom(`Bearer ${token}`, `bearer ${token}`, `BEARER\t${token}`, `Bearer  ${token} `, `Bearer ${token}x`, `Bearer ${token} ${token}`, `Bearer ${token.slice(0, -1)}`, token, `Basic ${token}`, `Bearer\u00a0${token}`),
    hostileString.filter((s) => [...s].every((c) => c.charCodeAt(0) <= 0xff && c.charCodeAt(0) >= 0x20)).map((s) => `Bearer ${s}`),
  );

/** A query-string part from any string: every UTF-8 byte percent-encoded (encodeURIComponent throws on lone surrogates). */
export const encode = (s: string) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/**
 * What every answer to hostile input must be: no 5xx, and every refusal a 4xx with a JSON
 * `ErrorResponse` that has a reason. Answers the status and the parsed body.
 */
export async function expectCleanAnswer(res: Response): Promise<{ status: number; body: unknown }> {
  const text = await res.text();
  expect(res.status, `a ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as unknown;
  const { error, reason } = ErrorResponse.parse(body);
  expect(error).toMatch(/^[a-z_]+$/);
  expect(reason.trim().length, `an empty reason for ${error}`).toBeGreaterThan(0);
  return { status: res.status, body };
}

/** After a run: no input reached `Object.prototype` (a polluted prototype shows on every object). */
export function expectPrototypesUntouched(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

/** `Object.prototype`'s own names when this module loads, before any input was sent. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** A collector on a fresh embedded chDB, and what it logged as errors (hostile input must cause none it did not answer). */
export interface FuzzCollector {
  collector: Collector;
  /** `error` lines: an `unhandled error` is an exception the app turned into a 500. */
  errors: string[];
  close(): Promise<void>;
}

export async function openFuzzCollector(extra: Record<string, string> = {}): Promise<FuzzCollector> {
  const dir = tempDir();
  const errors: string[] = [];
  const log: Logger = {
    info() {},
    warn() {},
    error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields ?? {})}`),
  };
  const collector = await openCollector(testConfig(dir.path, extra), { log });
  return {
    collector,
    errors,
    async close() {
      await collector.close();
      dir.remove();
    },
  };
}

/** Rows and distinct events in storage, after the insert buffer is flushed. */
export async function storageCounts(collector: Collector): Promise<{ rows: number; events: number }> {
  await collector.ingest.flush();
  return { rows: await countRows(collector.storage), events: await countEvents(collector.storage) };
}

/** A stored event as read back for the checks: one row per event ID, with the fields compared. */
export interface StoredCheck {
  id: string;
  copies: number;
  kind: string;
  project: string;
  session_id: string;
  message: string;
}

/** What storage holds for `ids` (unknown and malformed IDs simply match nothing). */
export async function storedByIds(collector: Collector, ids: readonly string[]): Promise<Map<string, StoredCheck>> {
  if (ids.length === 0) return new Map();
  const { client, database } = collector.storage;
  const rs = await client.query({
    query: `SELECT toString(event_id) AS id, count() AS copies, any(kind) AS kind, any(project) AS project,
        any(session_id) AS session_id, any(message) AS message
      FROM ${database}.events WHERE toString(event_id) IN {ids:Array(String)} GROUP BY event_id`,
    query_params: { ids: [...new Set(ids)] },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<StoredCheck & { copies: number | string }>();
  return new Map(rows.map((r) => [r.id, { ...r, copies: Number(r.copies) }]));
}

/** How a string is stored: ClickHouse takes only well-formed text, so lone surrogates become U+FFFD. */
export const asStored = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();

/**
 * The check every accepting property makes after its run: storage holds exactly the
 * events the collector acknowledged (each once), and nothing was dead-lettered or
 * spooled, which would mean an acknowledged row did not reach storage.
 */
export async function expectStorageHolds(f: FuzzCollector, acknowledged: ReadonlySet<string>): Promise<void> {
  const { events } = await storageCounts(f.collector);
  expect(events).toBe(acknowledged.size);
  expect(f.collector.ingest.deadLetters.count).toBe(0);
  expect(f.collector.ingest.spool.stats().rows).toBe(0);
  expect(f.errors).toEqual([]);
}
