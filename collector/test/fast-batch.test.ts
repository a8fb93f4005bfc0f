import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnyEvent, CollectorBatch, EVENT_KINDS, Enrichment, FEATURE_STATES, LIMITS, LOG_LEVELS, VITAL_NAMES, VITAL_RATINGS } from '@lifeline/protocol';
import { FAST_KINDS, parseBatchFast } from '../src/ingest/fast-batch';
import { clockGuard } from '../src/storage/clock-guard';
import { rowMapper } from '../src/storage/event-row';
import { T0, makeBatch, makeEvent } from './helpers';

/**
 * The fast path must give exactly zod's verdict and zod's rows: it accepts a batch if and
 * only if `CollectorBatch` does, and its rows equal those built from zod's output. The
 * batches below are generated around every boundary of the schemas (lengths in code
 * points, safe integers, enums, patterns, props rules, unknown keys, wrong types).
 */

const guard = clockGuard(400);
const toRow = rowMapper(guard);

/** Strings of lengths around `max`, in plain and astral (two units per code point) characters. */
const textAround = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
    fc.constantFrom(0, 1, max - 1, max, max, max + 1).map((n) => 'a'.repeat(Math.max(0, n))),
    fc.constantFrom(max - 1, max, max + 1).map((n) => '😀'.repeat(Math.max(0, n))),
    fc.constantFrom(max, max + 1).map((n) => `${'a'.repeat(Math.max(0, n - 1))}\ud800`),
  );
const uuid = fc.oneof({ weight: 6, arbitrary: fc.uuid() }, fc.constantFrom('00000000-0000-0000-0000-000000000000', 'not-a-uuid', '0b8f1c1e-3f5a-9c1e-9a53-0a1b2c3d4e5f'));
const epoch = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: T0 - 500 * 86_400_000, max: T0 + 3 * 86_400_000 }) },
  fc.constantFrom(0, -0, -1, 1.5, 8.64e15, 8.64e15 + 1, 2 ** 53, 12345),
);
const number = fc.oneof({ weight: 3, arbitrary: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }) }, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, -1, 999, 1000, 0.5, 2 ** 53));
const enumOf = (values: readonly string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, fc.constantFrom('', 'LCPX', 'Warn', 'nope'));
const anyJson = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}));
const propsArb = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), { maxKeys: 5 }) },
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '', 'k'.repeat(LIMITS.propKey + 1))), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), textAround(LIMITS.propValue), fc.constant({ nested: 1 })), { maxKeys: 6 }),
  fc.integer({ min: LIMITS.propKeys - 1, max: LIMITS.propKeys + 1 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.constantFrom([], 'text', null),
);
const frame = fc.record(
  { fn: textAround(LIMITS.name), file: fc.string({ maxLength: 8 }), line: fc.oneof({ weight: 4, arbitrary: fc.nat() }, fc.constantFrom(-1, 1.5, 2 ** 53)), col: fc.nat(), extra: fc.string() },
  { requiredKeys: [] },
);
const framesArb = fc.oneof({ weight: 4, arbitrary: fc.array(frame, { maxLength: 3 }) }, fc.constant(Array.from({ length: LIMITS.frames + 1 }, () => ({ fn: 'f' }))));

/** Per key: the values to try (mostly valid, with the boundaries). */
const FIELD: Record<string, fc.Arbitrary<unknown>> = {
  event_id: uuid,
  ts: epoch,
  received_at: epoch,
  project: textAround(LIMITS.label),
  session_id: textAround(LIMITS.id),
  anon_id: fc.string({ maxLength: 10 }),
  user_id: textAround(LIMITS.id),
  url: textAround(LIMITS.url),
  release: fc.string({ maxLength: 10 }),
  environment: fc.string({ maxLength: 10 }),
  request_id: fc.string({ maxLength: 10 }),
  trace_id: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[0-9a-f]{32}$/) }, fc.stringMatching(/^[0-9a-f]{32}$/), fc.constantFrom('ABCDEF0123456789ABCDEF0123456789', 'abc')),
  order_id: fc.string({ maxLength: 10 }),
  country: textAround(8),
  user_agent: fc.string({ maxLength: 10 }),
  referrer: fc.string({ maxLength: 10 }),
  title: fc.string({ maxLength: 10 }),
  name: fc.oneof(textAround(LIMITS.name), fc.constantFrom(...VITAL_NAMES), fc.constantFrom(...VITAL_NAMES)),
  props: propsArb,
  message: textAround(LIMITS.message),
  error_type: fc.string({ maxLength: 10 }),
  stack: fc.string({ maxLength: 10 }),
  frames: framesArb,
  fingerprint: fc.string({ maxLength: 10 }),
  handled: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, fc.constant('yes')),
  mechanism: fc.string({ maxLength: 10 }),
  value: number,
  rating: enumOf(VITAL_RATINGS),
  nav_type: fc.string({ maxLength: 10 }),
  target: fc.string({ maxLength: 10 }),
  method: textAround(LIMITS.label),
  status: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1, max: 1000 }) }, fc.constant(200.5)),
  duration_ms: number,
  feature: fc.constantFrom('checkout', 'payments', 'a'.repeat(64), 'checkout', 'Checkout', '9x', 'a'.repeat(65)),
  state: enumOf(FEATURE_STATES),
  from_state: enumOf(FEATURE_STATES),
  reason: enumOf(['flag', 'breaker']),
  actor: fc.string({ maxLength: 10 }),
  level: enumOf(LOG_LEVELS),
  service: fc.string({ maxLength: 10 }),
};

/** The keys an event of each kind has (its shape plus the enrichment), from the protocol. */
const KEYS = new Map(AnyEvent.options.map((o) => [o.shape.kind.value, [...Object.keys(o.shape), ...Object.keys(Enrichment.shape)].filter((k) => k !== 'kind')]));

/** One change to an event: a field set to a generated value, mistyped, dropped, or a key it does not have. */
const change = (kind: (typeof EVENT_KINDS)[number]) => {
  const keys = KEYS.get(kind)!;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...keys).chain((k) => FIELD[k]!.map((v) => (e: Record<string, unknown>) => void (e[k] = v))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...keys, 'kind'), anyJson).map(([k, v]) => (e: Record<string, unknown>) => void (e[k] = v)) },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((k) => (e: Record<string, unknown>) => void delete e[k]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('unknown_key', 'stack', 'props', 'status'), anyJson).map(([k, v]) => (e: Record<string, unknown>) => void (e[k] = v)) },
  );
};

/** A valid event of a kind with one or two changes, each of which may or may not break it. */
const event = fc.constantFrom(...EVENT_KINDS).chain((kind) =>
  fc.array(change(kind), { minLength: 1, maxLength: 2 }).map((changes) => {
    const e: Record<string, unknown> = { ...makeEvent(kind) };
    for (const apply of changes) apply(e);
    return e;
  }),
);

const batch = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(event, fc.array(fc.constantFrom(...EVENT_KINDS), { maxLength: 2 }))
      .map(([changed, others]) => makeBatch([...others.map((k) => makeEvent(k)), changed] as never)),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ v: 2, batch_id: crypto.randomUUID(), events: [makeEvent('track')] }, { v: 1, batch_id: 'x', events: [makeEvent('track')] }, { v: 1, batch_id: crypto.randomUUID(), events: [] }, [], null, 'batch') },
);

describe('fast batch validation', () => {
  it('compiles every kind of the protocol', () => {
    expect([...FAST_KINDS].sort()).toEqual([...EVENT_KINDS].sort());
  });

  it('gives exactly zod’s verdict and zod’s rows', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(batch, (b) => {
        // What the route sees: JSON text parsed (so -0, undefined and key order behave as on the wire).
        const value = JSON.parse(JSON.stringify(b));
        const fast = parseBatchFast(value, guard);
        const zod = CollectorBatch.safeParse(value);
        if (zod.success) accepted++;
        else refused++;
        expect(fast !== null).toBe(zod.success);
        if (fast && zod.success) {
          expect(fast.batch_id).toBe(zod.data.batch_id);
          expect(isDeepStrictEqual(fast.rows, zod.data.events.map(toRow))).toBe(true);
        }
      }),
      { numRuns: 4000 },
    );
    // Both outcomes were exercised in earnest.
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });

  /** Boundaries worth checking every run, whatever the generator draws. */
  const astral = (n: number) => '😀'.repeat(n);
  it.each<[string, ReturnType<typeof makeEvent>]>([
    ['a frame line beyond the safe integers', makeEvent('error', { frames: [{ fn: 'f', line: 2 ** 53 }] })],
    ['a frame line at the largest safe integer', makeEvent('error', { frames: [{ line: 2 ** 53 - 1 }] })],
    ['ts -0', makeEvent('track', { ts: -0 })],
    ['ts at the epoch limit', makeEvent('track', { ts: 8.64e15 })],
    ['a message of exactly the limit in astral characters', makeEvent('log', { message: astral(LIMITS.message) })],
    ['a message one code point over, in astral characters', makeEvent('log', { message: astral(LIMITS.message + 1) })],
    ['a name with a lone surrogate at the limit', makeEvent('track', { name: `${'a'.repeat(LIMITS.name - 1)}\ud800` })],
    ['a status of 999', makeEvent('network', { status: 999 })],
    ['a status of 1000', makeEvent('network', { status: 1000 })],
    ['props with a __proto__ key', makeEvent('track', { props: JSON.parse('{"__proto__":1}') })],
    ['props with exactly the key limit', makeEvent('track', { props: Object.fromEntries(Array.from({ length: LIMITS.propKeys }, (_, i) => [`k${i}`, i])) })],
    ['an upper-case trace ID', makeEvent('log', { trace_id: 'A'.repeat(32) })],
    ['a feature of 64 characters', makeEvent('flag', { feature: 'a'.repeat(64) })],
    ['an unknown key the kind does not have', makeEvent('track', { stack: 'not a track field' })],
  ])('agrees with zod on %s', (_why, e) => {
    const value = JSON.parse(JSON.stringify(makeBatch([e])));
    const fast = parseBatchFast(value, guard);
    const zod = CollectorBatch.safeParse(value);
    expect(fast !== null).toBe(zod.success);
    if (fast && zod.success) expect(fast.rows).toEqual(zod.data.events.map(toRow));
  });

  it('applies the clock guard and stores text ClickHouse can parse', () => {
    const future = makeEvent('track', { ts: T0 + 3 * 86_400_000, message: 'x' });
    const broken = makeEvent('error', { message: 'cut emoji \ud83d' });
    const fast = parseBatchFast(JSON.parse(JSON.stringify(makeBatch([future, broken]))), guard)!;
    expect(fast.rows[0]).toMatchObject({ ts: future.received_at, client_ts: future.ts });
    expect(fast.rows[1]!.message).toBe('cut emoji \ufffd');
  });
});
