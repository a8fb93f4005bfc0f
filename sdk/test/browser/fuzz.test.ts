import { BrowserEvent, SdkBatch } from '@lifeline/protocol';
import { LIMITS } from '@lifeline/protocol/limits';
import fc from 'fast-check';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { startServer, type RecordedRequest, type TestServer } from '../support/server.js';

/**
 * Property-based fuzzing of the public API (`window.lifeline`) of the script-tag build in
 * Chromium. fast-check draws JSON "recipes" in Node; a harness installed in the page builds
 * the hostile value each recipe describes (cycles, Proxies whose traps throw, throwing
 * getters and conversions, huge and deep values, lone surrogates…), makes the calls, and
 * reports what each returned. Whatever the page passes, no exception may reach it, every
 * return value must have its documented type, the edge must accept every batch, no
 * prototype may change and the page must keep working (docs/sdk.md, "Calls" and "Never
 * breaking the page").
 */

let browser: LaunchedBrowser;
let server: TestServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(() => server.reset());

/** Inputs per property: `LIFELINE_FUZZ_RUNS=2000 npx vitest run test/browser/fuzz.test.ts` for a long run. */
function runs(fallback = 150): number {
  const asked = Number(process.env.LIFELINE_FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : fallback;
}

/**
 * A property's time limit: an input is a round trip to the page and a flush (with a page
 * load for `init`), tens to hundreds of ms on a busy machine.
 */
const timeoutFor = (count: number) => 30_000 + count * 500;

/** fast-check's settings: stop, with the smallest failing input found so far, before the test's time limit. */
const settings = (count: number) => ({ numRuns: count, interruptAfterTimeLimit: timeoutFor(count) - 15_000, markInterruptAsFailure: true });

// ---------------------------------------------------------------------------------------
// Recipes: JSON descriptions of hostile values, built in the page by `installHarness`.

const METHODS = ['init', 'track', 'identify', 'reset', 'consent', 'captureError', 'lastRequestId', 'flush', 'sessionId', 'feature'] as const;
type Method = (typeof METHODS)[number];

const ERROR_KINDS = [
  'Error',
  'TypeError',
  'DOMException',
  'AggregateError',
  'subclass',
  'message',
  'name',
  'stack',
  'throwingStack',
  'throwingMessage',
  'throwingName',
  'noStack',
  'errorLike',
  'cause',
] as const;
const FUNCTION_KINDS = ['plain', 'arrow', 'class', 'async', 'generator', 'bound', 'throwing', 'withProps', 'identity', 'null'] as const;
const TRAPS = ['get', 'set', 'has', 'deleteProperty', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty', 'getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions', 'apply', 'construct', 'revoked'] as const;
const TYPED_KINDS = ['Uint8Array', 'Float64Array', 'BigInt64Array', 'DataView', 'ArrayBuffer'] as const;
const HOSTS = ['window', 'document', 'body', 'event', 'regexp', 'weakmap', 'promise', 'storage', 'location', 'arguments', 'nodeList', 'lifeline'] as const;

/** A hostile value, as JSON: the page builds it (see `build` in installHarness). */
type Recipe =
  | ['json', unknown]
  | ['string', string]
  | ['huge', string, number]
  | ['number', string]
  | ['undefined']
  | ['bigint', string]
  | ['symbol', string | null]
  | ['function', (typeof FUNCTION_KINDS)[number]]
  | ['date', number | null]
  | ['error', (typeof ERROR_KINDS)[number], Recipe]
  | ['object', [string, Recipe][], 'define' | 'assign' | 'nullproto' | 'frozen']
  | ['array', Recipe[]]
  | ['wide', 'object' | 'array', number, string, Recipe]
  | ['deep', 'object' | 'array' | 'proto', number, Recipe]
  | ['cycle', 'self' | 'array' | 'mutual' | 'nested', Recipe]
  | ['getter', string, Recipe]
  | ['proxy', 'object' | 'array' | 'function', (typeof TRAPS)[number][]]
  | ['convert', 'toString' | 'valueOf' | 'toJSON' | 'toPrimitive' | 'all']
  | ['typed', (typeof TYPED_KINDS)[number], number]
  | ['map', [Recipe, Recipe][]]
  | ['set', Recipe[]]
  | ['host', (typeof HOSTS)[number]]
  /** The stand-in edge's URL, with a tail (`/`, a space…). */
  | ['endpoint', string];

/** One API call: the method, its arguments, and whether it is called detached from `window.lifeline`. */
interface Call {
  method: Method;
  args: Recipe[];
  detached: boolean;
}

/** What a call gave back, described in the page. */
interface Returned {
  type: string;
  value?: unknown;
  /** For objects: whether the prototype is Object.prototype. */
  plain?: boolean;
  /** For promises: what they settled to. */
  settled?: Returned;
  rejected?: string;
}

interface Outcome {
  method: Method;
  threw?: string;
  returned?: Returned;
}

/** What the page reports after running one input. */
interface RunResult {
  outcomes: Outcome[];
  /** The harness's own final flush. */
  flushed: Returned;
  /** Uncaught errors and unhandled rejections the page's own listeners saw. */
  pageErrors: string[];
  /** Changes to Object.prototype, Array.prototype and Function.prototype, and `({}).polluted`. */
  pollution: string[];
  /** Whether the fixture's click handler ran when its button was clicked. */
  clickWorked: boolean;
}

/** Text that breaks naive code, and text the scrubber rewrites (some of it into longer text). */
const NASTY = [
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  'zero\u200bwidth\u200d',
  '\ufeffbom',
  '\u0000nul',
  '\u0007\u001b[31m',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '𝕏',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'a@b.c ',
  'bob@example.com',
  '?token=x&',
  'auth=1;',
  'eyJa.b.c ',
  'Bearer abcdefgh ',
  '4111 1111 1111 1111 ',
  '+14155552671 ',
  '\n    at fn (https://shop.example/app.js?token=abc:1:2)',
  '\nfn@https://shop.example/app.js:3:4',
];
const nasty = fc.constantFrom(...NASTY);

/** Short strings: random code units (lone surrogates included), graphemes, troublemakers. */
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: fc.array(nasty, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
);

/** A troublemaker repeated to `min`..`max` characters; the page does the repeating. */
const huge = (min: number, max: number): fc.Arbitrary<Recipe> =>
  fc.tuple(nasty, fc.integer({ min, max })).map(([piece, n]): Recipe => ['huge', piece, n]);

/** A key of an object: hostile, polluting, sensitive or meaningful to the SDK, or longer than LIMITS.propKey. */
const key = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'order_id', 'password', 'email', 'note', 'breadcrumbs', 'message', 'stack', 'toJSON', '') },
  { weight: 1, arbitrary: fc.tuple(nasty, fc.integer({ min: 100, max: 300 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n)) },
);

/** A stack trace in Chromium's or Firefox's format, with hostile function names and files. */
const stackText = fc
  .array(
    fc
      .tuple(
        fc.oneof(hostileString, fc.tuple(nasty, fc.integer({ min: 150, max: 400 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n))),
        fc.oneof(fc.constantFrom('https://shop.example/app.js', 'https://shop.example/a.js?token=abc&q=1', 'http://bob@example.com/x.js', 'blob:x', ''), hostileString),
        fc.nat({ max: 1e6 }),
        fc.nat({ max: 1e4 }),
        fc.boolean(),
      )
      .map(([fn, file, line, col, chromium]) => (chromium ? `    at ${fn} (${file}:${line}:${col})` : `${fn}@${file}:${line}:${col}`)),
    { maxLength: 70 },
  )
  .map((lines): Recipe => ['string', ['Error: fuzz', ...lines].join('\n')]);

const NUMBERS = ['NaN', 'Infinity', '-Infinity', '-0', '0', '1e308', '5e-324', '9007199254740993', '-1', '1.5'];

/** Values with no inner values. */
const leaf: fc.Arbitrary<Recipe> = fc.oneof(
  { weight: 4, arbitrary: hostileString.map((s): Recipe => ['string', s]) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v): Recipe => ['json', v]) },
  { weight: 1, arbitrary: huge(1_000, 100_000) },
  { weight: 1, arbitrary: stackText },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBERS).map((n): Recipe => ['number', n]) },
  { weight: 1, arbitrary: fc.constant<Recipe>(['undefined']) },
  { weight: 1, arbitrary: fc.bigInt().map((b): Recipe => ['bigint', String(b)]) },
  { weight: 1, arbitrary: fc.option(hostileString).map((d): Recipe => ['symbol', d]) },
  { weight: 1, arbitrary: fc.constantFrom(...FUNCTION_KINDS).map((k): Recipe => ['function', k]) },
  { weight: 1, arbitrary: fc.option(fc.integer({ min: -9e15, max: 9e15 })).map((ms): Recipe => ['date', ms]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('object', 'array', 'function'), fc.subarray([...TRAPS], { minLength: 1 })).map(([t, traps]): Recipe => ['proxy', t, traps]) },
  { weight: 1, arbitrary: fc.constantFrom('toString', 'valueOf', 'toJSON', 'toPrimitive', 'all').map((c): Recipe => ['convert', c]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TYPED_KINDS), fc.nat({ max: 100_000 })).map(([t, n]): Recipe => ['typed', t, n]) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTS).map((h): Recipe => ['host', h]) },
);

/** Leaves small enough to be repeated thousands of times. */
const smallLeaf = leaf.filter((r) => r[0] !== 'huge' && r[0] !== 'typed' && r[0] !== 'host' && !(r[0] === 'string' && r[1].length > 200));

/** Objects and arrays that would pollute a prototype if copied naively. */
const pollution = fc.constantFrom<Recipe>(
  ['json', JSON.parse('{"__proto__":{"polluted":"yes"}}')],
  ['json', JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}')],
  ['json', JSON.parse('{"a":{"__proto__":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"ok":1}')],
  ['json', JSON.parse('[{"__proto__":{"polluted":"yes"}}]')],
  ['object', [['__proto__', ['json', { polluted: 'yes' }]]], 'assign'],
  ['object', [['__proto__', ['json', { polluted: 'yes' }]], ['constructor', ['json', { prototype: { polluted: 'yes' } }]]], 'define'],
);

/** Any value: leaves, and objects, arrays, errors, cycles… of any value, a few levels deep. */
const value: fc.Arbitrary<Recipe> = fc.letrec<{ value: Recipe }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { weight: 8, arbitrary: leaf },
    { weight: 3, arbitrary: fc.tuple(fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }), fc.constantFrom('define', 'assign', 'nullproto', 'frozen')).map(([entries, mode]): Recipe => ['object', entries, mode]) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 5 }).map((items): Recipe => ['array', items]) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ERROR_KINDS), fc.oneof(leaf, tie('value'))).map(([kind, inner]): Recipe => ['error', kind, inner]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('self', 'array', 'mutual', 'nested'), tie('value')).map(([kind, inner]): Recipe => ['cycle', kind, inner]) },
    { weight: 1, arbitrary: fc.tuple(key, tie('value')).map(([k, inner]): Recipe => ['getter', k, inner]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries): Recipe => ['map', entries]) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items): Recipe => ['set', items]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('object', 'array'), fc.integer({ min: 65, max: 5_000 }), key, smallLeaf).map(([kind, n, prefix, inner]): Recipe => ['wide', kind, n, prefix, inner]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('object', 'array', 'proto'), fc.integer({ min: 10, max: 3_000 }), leaf).map(([kind, n, inner]): Recipe => ['deep', kind, n, inner]) },
    { weight: 1, arbitrary: pollution },
  ),
})).value;

/** A name argument: mostly a string, often hostile or long, sometimes anything. */
const nameArg = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Recipe>(['string', 'checkout'], ['string', 'add_to_cart'], ['string', ''], ['string', 'identify']) },
  { weight: 4, arbitrary: hostileString.map((s): Recipe => ['string', s]) },
  { weight: 2, arbitrary: huge(150, 100_000) },
  { weight: 2, arbitrary: value },
);

/** A props, traits or context argument: mostly an object with hostile keys and values. */
const propsArg = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.array(fc.tuple(key, value), { maxLength: 8 }), fc.constantFrom('define', 'assign', 'nullproto', 'frozen')).map(([entries, mode]): Recipe => ['object', entries, mode]) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('object' as const), fc.integer({ min: 1, max: 5_000 }), key, fc.oneof(smallLeaf, huge(1_000, 5_000))).map(([kind, n, prefix, inner]): Recipe => ['wide', kind, n, prefix, inner]) },
  { weight: 1, arbitrary: pollution },
  { weight: 2, arbitrary: value },
);

/** An error argument: mostly an Error of some kind, sometimes anything (`throw 'nope'`). */
const errorArg = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ERROR_KINDS), fc.oneof(leaf, stackText, huge(1_000, 100_000))).map(([kind, inner]): Recipe => ['error', kind, inner]) },
  { weight: 2, arbitrary: value },
);

/** A user ID: a string or number, often hostile or long, sometimes anything. */
const userArg = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((s): Recipe => ['string', s]) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()).map((n): Recipe => ['json', n]) },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBERS).map((n): Recipe => ['number', n]) },
  { weight: 1, arbitrary: huge(100, 100_000) },
  { weight: 2, arbitrary: value },
);

/** What a consent management platform, or a careless page, passes to `consent`. */
const consentArg = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Recipe>(['json', true], ['json', false], ['string', 'yes'], ['string', 'true'], ['json', 1], ['json', null], ['undefined'], ['json', {}]) },
  { weight: 1, arbitrary: value },
);

/** A feature name: a protocol name, a name that is not one, an inherited name, or anything. */
const featureArg = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<Recipe>(['string', 'checkout'], ['string', '__proto__'], ['string', 'constructor'], ['string', 'prototype'], ['string', 'hasOwnProperty'], ['string', 'Checkout!']) },
  { weight: 2, arbitrary: hostileString.map((s): Recipe => ['string', s]) },
  { weight: 1, arbitrary: value },
);

/** `init` options: mostly usable key and endpoint, every other option hostile. */
const optionsArg: fc.Arbitrary<Recipe> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record(
        {
          key: fc.oneof({ weight: 6, arbitrary: fc.constant<Recipe>(['string', 'pk_fuzz']) }, { weight: 1, arbitrary: value }),
          endpoint: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', '/', '///', ' ').map((tail): Recipe => ['endpoint', tail]) }, { weight: 1, arbitrary: value }),
          release: fc.oneof(nameArg, huge(100, 2_000)),
          environment: fc.oneof(nameArg, huge(100, 2_000)),
          debug: fc.oneof(fc.constantFrom<Recipe>(['json', true], ['string', ''], ['string', 'yes']), value),
          captureConsole: fc.oneof(fc.constantFrom<Recipe>(['json', true], ['string', 'true']), value),
          consent: fc.oneof(fc.constantFrom<Recipe>(['json', true], ['json', false], ['string', 'pending'], ['string', 'false']), value),
          sampleRate: fc.oneof(fc.constantFrom<Recipe>(['json', { track: 0.5, error: 2 }], ['string', '{"pageview":-1}'], ['string', '{']), value),
          slowMs: fc.oneof(fc.constantFrom<Recipe>(['json', -1], ['string', '5'], ['number', 'NaN']), value),
          propagateTo: fc.oneof(fc.constantFrom<Recipe>(['string', 'https://api.example.com, ,'], ['json', ['https://a.example/', 5, null]]), value),
          features: fc.oneof(fc.constantFrom<Recipe>(['json', { checkout: ['/api/orders'], 'Bad Name': 1, __proto__x: null }], ['string', '{"checkout":"/api/x"}'], ['string', '{']), value),
          breaker: fc.oneof(fc.constantFrom<Recipe>(['json', { failures: -1, windowMs: 'x' }], ['string', '{"failures":1}']), value),
          texts: fc.oneof(fc.constantFrom<Recipe>(['json', { down: '<b>x</b>', dismiss: 5 }]), value),
          // Where to load the vitals file from: left out mostly, so each input does not load it
          // again. Not any value: a page that names its own HTML (`location`) gets a script error.
          vitals: fc.constantFrom<Recipe>(['string', 'off'], ['string', 'off'], ['string', 'off'], ['undefined'], ['string', '/dist/missing.js'], ['json', 5], ['json', {}], ['proxy', 'object', ['get']]),
          // beforeSend as documented: returns the event or null, or throws.
          beforeSend: fc.constantFrom<Recipe>(['function', 'identity'], ['function', 'null'], ['function', 'throwing']),
          // Integrations that fail to start, with names that cannot be read, or anything.
          integrations: fc.oneof(
            fc.constantFrom<Recipe>(
              ['array', [['proxy', 'object', ['get']]]],
              ['array', [['object', [['name', ['symbol', 'x']], ['setup', ['json', 5]]], 'define']]],
              ['array', [['getter', 'name', ['function', 'throwing']]]],
              ['array', [['object', [['name', ['string', 'x']], ['setup', ['function', 'throwing']]], 'define']]],
            ),
            value,
          ),
        },
        { requiredKeys: ['key', 'endpoint'] },
      )
      .chain((options) =>
        fc.constantFrom('define', 'assign', 'frozen').map((mode): Recipe => ['object', Object.entries(options) as [string, Recipe][], mode as 'define']),
      ),
  },
  { weight: 1, arbitrary: value },
);

/** Typed arguments for each method (as a page means to call it). */
const TYPED: Record<Method, fc.Arbitrary<Recipe[]>> = {
  init: fc.tuple(optionsArg),
  track: fc.tuple(nameArg, propsArg),
  identify: fc.tuple(userArg, propsArg),
  reset: fc.constant([]),
  consent: fc.tuple(consentArg),
  captureError: fc.tuple(errorArg, propsArg),
  lastRequestId: fc.constant([]),
  flush: fc.constant([]),
  sessionId: fc.constant([]),
  feature: fc.tuple(featureArg),
};

/** Which method: mostly those that record events, so most inputs reach the edge. */
const method = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Method>('track', 'captureError') },
  { weight: 1, arbitrary: fc.constantFrom<Method>('identify') },
  { weight: 2, arbitrary: fc.constantFrom<Method>('init', 'reset', 'consent', 'lastRequestId', 'flush', 'sessionId', 'feature') },
);

/** One call: typed arguments mostly, cut short or with extra ones now and then, or anything at all. */
const call: fc.Arbitrary<Call> = fc.oneof(
  {
    weight: 6,
    arbitrary: method.chain((method) =>
      fc
        .tuple(TYPED[method], fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: 2 }) }), fc.array(value, { maxLength: 2 }), fc.boolean())
        .map(([typed, cut, extra, detached]): Call => ({ method, args: cut < 0 ? typed : typed.slice(0, cut).concat(extra), detached })),
    ),
  },
  { weight: 1, arbitrary: fc.record({ method: fc.constantFrom(...METHODS), args: fc.array(value, { maxLength: 3 }), detached: fc.boolean() }) },
);

// ---------------------------------------------------------------------------------------
// The page side.

/**
 * Installed before any script of the page (so before the SDK): clears the SDK's storage
 * (each page starts as a first visit), records uncaught errors and unhandled rejections,
 * takes the prototypes as they are, and defines `window.fuzzHarness.run`, which builds
 * each call's arguments from their recipes, makes the calls and reports.
 */
function installHarness(): void {
  try {
    localStorage.clear();
  } catch {
    // Storage blocked: the SDK keeps its IDs in memory.
  }
  const pageErrors: string[] = [];
  const text = (v: unknown) => {
    try {
      return String(v);
    } catch {
      return '(unprintable)';
    }
  };
  addEventListener('error', (e) => {
    if (e instanceof ErrorEvent) pageErrors.push(`error: ${text(e.message)}`);
  });
  addEventListener('unhandledrejection', (e) => pageErrors.push(`unhandled rejection: ${text(e.reason)}`));

  const protos: [string, object][] = [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
  ];
  const baseline = protos.map(([name, proto]) => [name, proto, new Map(Reflect.ownKeys(proto).map((k) => [k, Object.getOwnPropertyDescriptor(proto, k)!]))] as const);
  const pollution = () => {
    const found: string[] = [];
    for (const [name, proto, before] of baseline) {
      for (const k of Reflect.ownKeys(proto)) {
        const was = before.get(k);
        const now = Object.getOwnPropertyDescriptor(proto, k)!;
        if (!was) found.push(`${name}.prototype gained ${String(k)}`);
        else if (was.value !== now.value || was.get !== now.get || was.set !== now.set) found.push(`${name}.prototype.${String(k)} changed`);
      }
      for (const k of before.keys()) if (!Object.prototype.hasOwnProperty.call(proto, k)) found.push(`${name}.prototype lost ${String(k)}`);
    }
    for (const probe of [{}, [], () => {}] as Record<string, unknown>[]) if (probe.polluted !== undefined) found.push('({}).polluted is set');
    return found;
  };

  const boom = (what: string) => () => {
    throw new Error(`fuzz: ${what}`);
  };
  // The builder is called on recipes the test wrote; a `Recipe` type is not visible here.
  type R = [string, ...any[]];
  const build = (r: R, endpoint: string): unknown => {
    const b = (inner: R) => build(inner, endpoint);
    switch (r[0]) {
      case 'json':
        return r[1];
      case 'string':
        return r[1];
      case 'huge': {
        const [, piece, n] = r as [string, string, number];
        return piece.repeat(Math.ceil(n / piece.length)).slice(0, n);
      }
      case 'number':
        return Number(r[1]);
      case 'undefined':
        return undefined;
      case 'bigint':
        return BigInt(r[1]);
      case 'symbol':
        return r[1] === null ? Symbol.iterator : Symbol(r[1]);
      case 'date':
        return new Date(r[1] ?? NaN);
      case 'endpoint':
        return endpoint + r[1];
      case 'function': {
        const kind = r[1] as string;
        if (kind === 'arrow') return () => 1;
        if (kind === 'class') return class Fuzz {};
        if (kind === 'async') return async () => 1;
        if (kind === 'generator') return function* gen() {};
        if (kind === 'bound') return function f() {}.bind(null);
        if (kind === 'throwing') return boom('called');
        if (kind === 'identity') return (x: unknown) => x;
        if (kind === 'null') return () => null;
        if (kind === 'withProps') return Object.assign(() => 1, { a: 1, toJSON: boom('toJSON') });
        return function plain() {};
      }
      case 'error': {
        const [, kind, inner] = r as [string, string, R];
        const v = b(inner);
        const message = typeof v === 'string' ? v : 'fuzz';
        const define = (e: object, field: string, descriptor: PropertyDescriptor) => Object.defineProperty(e, field, { configurable: true, ...descriptor });
        switch (kind) {
          case 'TypeError':
            return new TypeError(message);
          case 'DOMException':
            return new DOMException(message, 'AbortError');
          case 'AggregateError':
            return new AggregateError([v], message);
          case 'subclass': {
            class FuzzError extends Error {}
            const e = new FuzzError(message);
            e.name = message;
            return e;
          }
          case 'message':
            return define(new Error('x'), 'message', { value: v });
          case 'name':
            return define(new Error('x'), 'name', { value: v });
          case 'stack':
            return define(new Error(message), 'stack', { value: v });
          case 'throwingStack':
            return define(new Error(message), 'stack', { get: boom('stack') });
          case 'throwingMessage':
            return define(new Error('x'), 'message', { get: boom('message') });
          case 'throwingName':
            return define(new Error(message), 'name', { get: boom('name') });
          case 'noStack': {
            const e = new Error(message);
            delete e.stack;
            return e;
          }
          case 'errorLike':
            return { message, name: 'FuzzError', stack: v };
          case 'cause':
            return new Error(message, { cause: v });
          default:
            return new Error(message);
        }
      }
      case 'object': {
        const [, entries, mode] = r as [string, [string, R][], string];
        const o: Record<string, unknown> = mode === 'nullproto' ? Object.create(null) : {};
        for (const [k, inner] of entries) {
          const v = b(inner);
          if (mode === 'define' || mode === 'frozen') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else {
            try {
              // `o.__proto__ = x` sets the prototype; a later key then meets x's traps, as the page's own assignment would.
              o[k] = v;
            } catch {
              // The page's assignment failed too; the object is what it got to.
            }
          }
        }
        return mode === 'frozen' ? Object.freeze(o) : o;
      }
      case 'array':
        return (r[1] as R[]).map(b);
      case 'wide': {
        const [, kind, n, prefix, inner] = r as [string, string, number, string, R];
        const v = b(inner);
        if (kind === 'array') return new Array(n).fill(v);
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) Object.defineProperty(o, `${prefix}${i}`, { value: v, enumerable: true, writable: true, configurable: true });
        return o;
      }
      case 'deep': {
        const [, kind, n, inner] = r as [string, string, number, R];
        let v = b(inner);
        for (let i = 0; i < n; i++) v = kind === 'array' ? [v] : kind === 'object' ? { a: v } : Object.defineProperty({}, '__proto__', { value: v, enumerable: true });
        return v;
      }
      case 'cycle': {
        const [, kind, inner] = r as [string, string, R];
        const v = b(inner);
        if (kind === 'array') {
          const a: unknown[] = [v];
          a.push(a);
          return a;
        }
        const o: Record<string, unknown> = { v };
        if (kind === 'self') o.self = o;
        else if (kind === 'mutual') o.other = { back: o };
        else o.x = { y: { z: [o] } };
        return o;
      }
      case 'getter': {
        const [, k, inner] = r as [string, string, R];
        return Object.defineProperty({ ok: b(inner) }, k, { enumerable: true, configurable: true, get: boom(`getter ${k}`) });
      }
      case 'proxy': {
        const [, kind, traps] = r as [string, string, string[]];
        const target = kind === 'array' ? [] : kind === 'function' ? function target() {} : {};
        const handler: Record<string, unknown> = {};
        for (const trap of traps) if (trap !== 'revoked') handler[trap] = boom(`${trap} trap`);
        const { proxy, revoke } = Proxy.revocable(target, handler);
        if (traps.includes('revoked')) revoke();
        return proxy;
      }
      case 'convert': {
        const which = r[1] as string;
        const o: Record<string | symbol, unknown> = {};
        if (which === 'toPrimitive' || which === 'all') o[Symbol.toPrimitive] = boom('toPrimitive');
        for (const m of ['toString', 'valueOf', 'toJSON']) if (which === m || which === 'all') o[m] = boom(m);
        return o;
      }
      case 'typed': {
        const [, kind, n] = r as [string, string, number];
        if (kind === 'Float64Array') return new Float64Array(n).fill(NaN);
        if (kind === 'BigInt64Array') return new BigInt64Array(Math.min(n, 1000)).fill(-1n);
        if (kind === 'DataView') return new DataView(new ArrayBuffer(n));
        if (kind === 'ArrayBuffer') return new ArrayBuffer(n);
        return new Uint8Array(n).fill(255);
      }
      case 'map':
        return new Map((r[1] as [R, R][]).map(([k, v]) => [b(k), b(v)]));
      case 'set':
        return new Set((r[1] as R[]).map(b));
      case 'host': {
        const host = r[1] as string;
        if (host === 'window') return window;
        if (host === 'document') return document;
        if (host === 'body') return document.body;
        if (host === 'event') return new Event('fuzz');
        if (host === 'regexp') return /a+(b)?/giu;
        if (host === 'weakmap') return new WeakMap();
        if (host === 'promise') return Promise.resolve(1);
        if (host === 'storage') return localStorage;
        if (host === 'location') return location;
        if (host === 'nodeList') return document.querySelectorAll('*');
        if (host === 'lifeline') return window.lifeline;
        return (function args() {
          return arguments;
        })();
      }
      default:
        throw new Error(`unknown recipe ${String(r[0])}`);
    }
  };

  const summarize = (v: unknown): { type: string; value?: unknown; plain?: boolean } => {
    if (v instanceof Promise) return { type: 'promise' };
    if (v !== null && typeof v === 'object') return { type: 'object', plain: Object.getPrototypeOf(v) === Object.prototype, value: { ...v } };
    return { type: v === null ? 'null' : typeof v, ...(typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? { value: v } : {}) };
  };

  (window as unknown as { fuzzHarness: unknown }).fuzzHarness = {
    async run(json: string, endpoint: string) {
      const calls = JSON.parse(json) as { method: string; args: R[]; detached: boolean }[];
      const l = window.lifeline as unknown as Record<string, (...args: unknown[]) => unknown>;
      const outcomes: { method: string; threw?: string; returned?: ReturnType<typeof summarize> & { settled?: unknown; rejected?: string } }[] = [];
      const settling: Promise<void>[] = [];
      // Each input starts with consent, so a withdrawal in one input does not silence the next.
      l.consent!(true);
      for (const c of calls) {
        const args = c.args.map((a) => build(a, endpoint));
        const outcome: (typeof outcomes)[number] = { method: c.method };
        outcomes.push(outcome);
        try {
          const f = l[c.method]!;
          const returned = c.detached ? f(...args) : l[c.method]!(...args);
          outcome.returned = summarize(returned);
          if (returned instanceof Promise) {
            const described = outcome.returned;
            settling.push(returned.then((v) => void (described.settled = summarize(v)), (e) => void (described.rejected = text(e))));
          }
        } catch (error) {
          outcome.threw = text(error);
        }
      }
      await Promise.all(settling);
      // As when the page is hidden: every client sends what it holds, by keepalive or beacon.
      dispatchEvent(new PageTransitionEvent('pagehide'));
      const flushed = summarize(await l.flush!());
      const button = document.getElementById('count')!;
      const before = Number(button.textContent);
      button.click();
      return { outcomes, flushed, pageErrors: pageErrors.splice(0), pollution: pollution(), clickWorked: Number(button.textContent) === before + 1 };
    },
  };
}

// ---------------------------------------------------------------------------------------
// The Node side.

/** Opens `url` with the harness installed, recording every `pageerror`. */
async function openFuzzPage(url: string): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(installHarness);
  await page.goto(url);
  return { page, pageErrors };
}

const run = (page: Page, calls: Call[]): Promise<RunResult> =>
  page.evaluate(([json, endpoint]) => (window as unknown as { fuzzHarness: { run(j: string, e: string): Promise<RunResult> } }).fuzzHarness.run(json, endpoint), [
    JSON.stringify(calls),
    server.endpoint,
  ] as const);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether `r` is what `method` is documented to return (docs/sdk.md, "Calls"). */
function documented(method: Method, r: Returned | undefined): boolean {
  if (!r) return false;
  const optionalString = (pattern?: RegExp) => r.type === 'undefined' || (r.type === 'string' && (!pattern || pattern.test(r.value as string)));
  switch (method) {
    case 'captureError':
    case 'sessionId':
      return optionalString(UUID);
    case 'lastRequestId':
      return optionalString();
    case 'flush':
      return r.type === 'promise' && r.settled?.type === 'boolean' && r.rejected === undefined;
    case 'feature': {
      const { state, message, reason, ...rest } = (r.value ?? {}) as Record<string, unknown>;
      return (
        r.type === 'object' &&
        r.plain === true &&
        ['ok', 'degraded', 'down'].includes(state as string) &&
        (message === undefined || typeof message === 'string') &&
        [undefined, 'flag', 'breaker'].includes(reason as string) &&
        Object.keys(rest).length === 0
      );
    }
    default:
      return r.type === 'undefined';
  }
}

type Issue = NonNullable<ReturnType<typeof BrowserEvent.safeParse>['error']>['issues'][number];

/** Whether `r` is what `method` returns before `init` (docs/sdk.md, "Calls"). */
function beforeInit(method: Method, r: Returned | undefined): boolean {
  if (method === 'flush') return r?.type === 'promise' && r.settled?.value === true;
  if (method === 'feature') return r?.type === 'object' && JSON.stringify(r.value) === '{"state":"ok"}';
  return r?.type === 'undefined';
}

/**
 * What the edge would refuse in the posted batches: a body over LIMITS.sdkBatchBytes, an
 * envelope that is not an `SdkBatch`, or an event that is not a `BrowserEvent` (whose
 * schemas hold every string to its LIMITS length and refuse polluting prop keys).
 */
function refusals(requests: RecordedRequest[]): string[] {
  const found: string[] = [];
  const describeIssue = (i: Issue) => `${i.path.join('.')} ${i.message}`;
  for (const request of requests.filter((r) => r.method === 'POST')) {
    const body = JSON.parse(request.body) as { events?: unknown[] };
    const bytes = Buffer.byteLength(request.body);
    if (bytes > LIMITS.sdkBatchBytes) found.push(`a body of ${bytes} bytes`);
    const batch = SdkBatch.safeParse(body);
    if (!batch.success) {
      found.push(`batch: ${batch.error.issues.map(describeIssue).join('; ')}`);
      continue;
    }
    for (const event of batch.data.events) {
      const parsed = BrowserEvent.safeParse(event);
      const issues = parsed.error?.issues ?? [];
      if (issues.length) found.push(`${String((event as { kind?: unknown }).kind)} event: ${issues.map(describeIssue).join('; ')}`);
    }
  }
  return found;
}

/** Every property, for one input's result and what the stand-in edge received meanwhile. */
function expectSafe(result: RunResult, pageErrors: string[]): void {
  for (const outcome of result.outcomes) {
    expect(outcome.threw, `${outcome.method} threw`).toBeUndefined();
    expect(documented(outcome.method, outcome.returned), `${outcome.method} returned ${JSON.stringify(outcome.returned)}`).toBe(true);
  }
  expect(result.flushed.type).toBe('boolean');
  expect(result.pageErrors).toEqual([]);
  expect(pageErrors.splice(0)).toEqual([]);
  // Taken out rather than reset, so a batch sent by a timer between two inputs is checked too.
  expect(refusals(server.requests.splice(0))).toEqual([]);
  expect(result.pollution).toEqual([]);
  expect(result.clickWorked).toBe(true);
}

/** A real click on the fixture's button, through the browser's input pipeline, still runs its handler. */
async function expectClickable(page: Page): Promise<void> {
  const count = page.locator('#count');
  const before = Number(await count.textContent());
  await count.click();
  expect(Number(await count.textContent())).toBe(before + 1);
}

describe('the public API under fuzzing', () => {
  it('any calls, with any arguments, after the tag started the SDK', async () => {
    const { page, pageErrors } = await openFuzzPage(`${server.origin}/fixtures/tag.html`);
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), async (calls) => {
        expectSafe(await run(page, calls), pageErrors);
      }),
      settings(runs()),
    );
    await expectClickable(page);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, timeoutFor(runs()));

  it('init with any options, then any calls, on a page whose tag did not start the SDK', async () => {
    const { page, pageErrors } = await openFuzzPage(`${server.origin}/fixtures/fuzz.html`);
    const initCall = optionsArg.map((options): Call => ({ method: 'init', args: [options], detached: false }));
    // Each page load is numbered in its URL; a second pageview of one load means a second
    // client. A stray client's events may arrive during a later input, so the message names
    // the input that made the load.
    const loads: string[] = [];
    const viewed = new Set<string>();
    const expectOnePageviewPerLoad = () => {
      for (const event of server.events()) {
        if (event.kind !== 'pageview') continue;
        const url = String(event.url);
        expect(viewed.has(url), `a second pageview of ${url}, loaded for ${loads[Number(/load=(\d+)/.exec(url)?.[1])]}`).toBe(false);
        viewed.add(url);
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 2 }), initCall, fc.array(call, { maxLength: 4 }), fc.option(initCall), async (before, init, after, again) => {
        // A fresh page each time: only the first init counts.
        const calls = [...before, init, ...after, ...(again ? [again] : [])];
        await page.goto(`${server.origin}/fixtures/fuzz.html?load=${loads.push(JSON.stringify(calls)) - 1}`);
        const result = await run(page, calls);
        expectOnePageviewPerLoad();
        expectSafe(result, pageErrors);
        const firstInit = before.findIndex((c) => c.method === 'init');
        for (const outcome of result.outcomes.slice(0, firstInit < 0 ? before.length : firstInit)) {
          expect(beforeInit(outcome.method, outcome.returned), `${outcome.method} before init returned ${JSON.stringify(outcome.returned)}`).toBe(true);
        }
      }),
      settings(runs()),
    );
    await expectClickable(page);
    await page.goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expectOnePageviewPerLoad();
    expect(refusals(server.requests.splice(0))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, timeoutFor(runs()));
});

describe('what fuzzing found', () => {
  /**
   * An integration that failed to start was logged by its name; when reading the name threw
   * too, the exception left createClient: init left the SDK off (no session) while the
   * half-started client went on recording, and a second init started another one, so the
   * page's pageview was sent twice, under two keys.
   */
  it('starts once, even when an integration fails to start and its name cannot be read', async () => {
    const { page, pageErrors } = await openFuzzPage(`${server.origin}/fixtures/fuzz.html`);
    const session = await page.evaluate(async (endpoint) => {
      const broken = new Proxy({}, { get: () => { throw new Error('trap'); } });
      window.lifeline.init({ key: 'pk_first', endpoint, vitals: 'off', integrations: [broken] } as never);
      const id = window.lifeline.sessionId();
      window.lifeline.init({ key: 'pk_second', endpoint } as never);
      // The pageview is recorded a microtask after init.
      await new Promise((resolve) => setTimeout(resolve));
      await window.lifeline.flush();
      return id;
    }, server.endpoint);
    expect(session).toMatch(UUID);
    expect(server.bodies().map((b) => [b.key, b.events.map((e) => e.kind)])).toEqual([['pk_first', ['pageview']]]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('refusals the fuzzers found', () => {
  /**
   * Text is cut to its limit when captured and scrubbed when queued, and scrubbing
   * lengthens it (`a@b.c` becomes `[email]`, `&pwd=` becomes `&pwd=[Filtered]`); the SDK
   * cuts it back, so the edge does not refuse the event.
   */
  it('keeps a name, a prop value and a message within their limits when scrubbing lengthens them', async () => {
    const { page, pageErrors } = await openFuzzPage(`${server.origin}/fixtures/tag.html`);
    try {
      await page.evaluate(() => {
        window.lifeline.track('a@b.c '.repeat(40), { note: '&pwd='.repeat(300) });
        window.lifeline.captureError(new Error('a@b.c '.repeat(2000)));
        return window.lifeline.flush();
      });
      const track = server.events().find((e) => e.kind === 'track');
      expect(track?.name).toMatch(/^\[email\] \[email\] /);
      expect(refusals(server.requests.splice(0))).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  /**
   * Props, message and stack are cut by characters, and a character JSON escapes takes six
   * bytes: 64 props of 1024 NULs are 64 × 1024 × 6 bytes of JSON. Such an event is given
   * up (counted as `rejected`) instead of being posted to be refused.
   */
  it('never posts a body larger than the edge accepts, however large one event is', async () => {
    const { page, pageErrors } = await openFuzzPage(`${server.origin}/fixtures/tag.html`);
    try {
      await page.evaluate(() => {
        window.lifeline.track('wide', Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, '\u0000'.repeat(1024)])));
        window.lifeline.track('narrow');
        return window.lifeline.flush();
      });
      // The drop is reported with the next send.
      await page.evaluate(() => window.lifeline.flush());
      const sent = server.events();
      expect(sent.map((e) => e.name)).toEqual(expect.arrayContaining(['narrow', 'lifeline_dropped']));
      expect(sent.map((e) => e.name)).not.toContain('wide');
      expect(sent.find((e) => e.name === 'lifeline_dropped')?.props).toMatchObject({ rejected: 1 });
      expect(refusals(server.requests.splice(0))).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
