import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BatchAck, CollectorBatch, ErrorResponse, EVENT_KINDS, FEATURE_STATES, LIMITS, LOG_LEVELS, VITAL_NAMES, VITAL_RATINGS, type EventKind } from '@lifeline/protocol';
import { SECRET, T0, makeBatch, makeEvent } from '../../helpers';
import {
  POLLUTING_KEYS, aroundLimit, asStored, authorizationFor, deepText, expectCleanAnswer, expectPrototypesUntouched, expectStorageHolds, headerValue,
  hostileBytes, hugeString, jsonText, jsonValue, openFuzzCollector, params, runs, storageCounts, storedByIds, textUpTo, timeoutFor, withKeys, type FuzzCollector,
} from './support';

/**
 * `POST /v1/batch` (collector secret) under hostile input. Every answer is a 200 with the
 * batch's ack or a 4xx with a reason; a refused batch changes nothing in storage; an
 * accepted one is exactly what the protocol's `CollectorBatch` accepts, and every one of
 * its events is in chDB, once, by the time the ack arrives.
 */

let f: FuzzCollector;
/** Event IDs the collector acknowledged, lower case: what storage must hold at the end of each test. */
const acknowledged = new Set<string>();

beforeAll(async () => {
  f = await openFuzzCollector();
});
afterEach(async () => {
  await expectStorageHolds(f, acknowledged);
});
afterAll(async () => {
  await f?.close();
  expectPrototypesUntouched();
});

const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` }) =>
  f.collector.app.request('/v1/batch', { method: 'POST', headers, body });

const parseOr = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Sends one request and checks the promise of the route: a clean answer; a refusal leaves
 * storage as it was; an acceptance is a batch the protocol accepts, acknowledged with its
 * ID and size, and each of its events is stored with its kind, project and session.
 * `sent` is the body as JSON (undefined when it is not). Answers the status.
 */
async function attempt(send: () => Response | Promise<Response>, sent: unknown): Promise<number> {
  const before = await storageCounts(f.collector);
  const { status, body } = await expectCleanAnswer(await send());
  if (status !== 200) {
    const after = await storageCounts(f.collector);
    expect(after.events).toBe(before.events);
    expect(after.rows).toBeLessThanOrEqual(before.rows);
    return status;
  }
  const batch = CollectorBatch.parse(sent);
  expect(BatchAck.parse(body)).toEqual({ batch_id: batch.batch_id, stored: batch.events.length });
  const ids = batch.events.map((e) => e.event_id.toLowerCase());
  // Content is compared where an event is the only one with its ID so far.
  const first = ids.map((id) => !acknowledged.has(id) && ids.indexOf(id) === ids.lastIndexOf(id));
  for (const id of ids) acknowledged.add(id);
  // The ack comes once the rows are durable: no flush before reading them.
  const stored = await storedByIds(f.collector, ids);
  for (const [i, e] of batch.events.entries()) {
    const row = stored.get(ids[i]!);
    expect(row, `event ${i} (${ids[i]}) is not stored`).toBeDefined();
    if (first[i]) expect(row).toMatchObject({ kind: e.kind, project: asStored(e.project), session_id: asStored(e.session_id ?? ''), copies: 1 });
  }
  return status;
}

const fresh = fc.constant(null).map(() => randomUUID());
const DAY = 86_400_000;
/**
 * Epoch ms the protocol accepts: mostly near now, and clocks that are off (1970, years
 * ahead, the protocol's end of time). The old ones are far past the retention from any
 * time near now: an event the sender itself dates within the retention of its arrival
 * but past it by now is expired by design, not lost.
 */
const epoch = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: T0 - 30 * DAY, max: T0 + DAY }) },
  fc.constantFrom(0, 1, 12_345, 8.64e15, 2 ** 53 - 1, T0 - 500 * DAY, T0 + 365 * DAY),
);
const nonEmpty = (max: number) => textUpTo(max).filter((s) => s.length > 0);
const propValue = fc.oneof(textUpTo(LIMITS.propValue), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const props = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(nonEmpty(LIMITS.propKey).filter((k) => !POLLUTING_KEYS.includes(k as never)), propValue, { maxKeys: 6 }) },
  fc.constant(Object.fromEntries(Array.from({ length: LIMITS.propKeys }, (_, i) => [`k${i}`, i]))),
);
const frames = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.record({ fn: textUpTo(LIMITS.name), file: textUpTo(LIMITS.url), line: fc.nat(), col: fc.nat() }, { requiredKeys: [] }), { maxLength: 3 }) },
  fc.constant(Array.from({ length: LIMITS.frames }, () => ({ fn: 'f' }))),
);

/** Fields every event may carry, each with values the protocol accepts (boundaries included). */
const COMMON: Record<string, fc.Arbitrary<unknown>> = {
  event_id: fresh.map((id) => id.toUpperCase()),
  ts: epoch,
  received_at: epoch,
  project: nonEmpty(LIMITS.label),
  session_id: textUpTo(LIMITS.id),
  anon_id: textUpTo(LIMITS.id),
  user_id: textUpTo(LIMITS.id),
  request_id: textUpTo(LIMITS.id),
  order_id: textUpTo(LIMITS.id),
  trace_id: fc.stringMatching(/^[0-9a-f]{32}$/),
  release: textUpTo(LIMITS.label),
  environment: textUpTo(LIMITS.label),
  country: textUpTo(8),
  user_agent: textUpTo(LIMITS.url),
};

/** Each kind's own fields, likewise. */
const KIND_FIELDS: Record<EventKind, Record<string, fc.Arbitrary<unknown>>> = {
  pageview: { url: textUpTo(LIMITS.url), referrer: textUpTo(LIMITS.url), title: textUpTo(LIMITS.url) },
  track: { name: nonEmpty(LIMITS.name), props },
  error: {
    message: textUpTo(LIMITS.message), error_type: textUpTo(LIMITS.label), stack: textUpTo(LIMITS.stack), frames, fingerprint: textUpTo(LIMITS.id),
    handled: fc.boolean(), mechanism: textUpTo(LIMITS.label), props,
  },
  vital: { name: fc.constantFrom(...VITAL_NAMES), value: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), rating: fc.constantFrom(...VITAL_RATINGS), nav_type: textUpTo(LIMITS.label), target: textUpTo(LIMITS.url) },
  network: { method: nonEmpty(LIMITS.label), url: textUpTo(LIMITS.url), status: fc.integer({ min: 0, max: 999 }), duration_ms: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), message: textUpTo(LIMITS.message) },
  log: { level: fc.constantFrom(...LOG_LEVELS), message: textUpTo(LIMITS.message), service: textUpTo(LIMITS.label), props },
  degrade: { feature: fc.stringMatching(/^[a-z][a-z0-9_-]{0,63}$/), state: fc.constantFrom(...FEATURE_STATES), reason: fc.constantFrom('flag', 'breaker'), message: textUpTo(LIMITS.message) },
  flag: { feature: fc.stringMatching(/^[a-z][a-z0-9_-]{0,63}$/), state: fc.constantFrom(...FEATURE_STATES), from_state: fc.constantFrom(...FEATURE_STATES), message: textUpTo(LIMITS.message), actor: textUpTo(LIMITS.label) },
};

const ABSENT = Symbol('absent');

/** Values that are wrong for some field: near misses of each rule, wrong types, anything, strings around a limit, nothing at all. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: jsonValue },
  { weight: 2, arbitrary: fc.constantFrom(LIMITS.id, LIMITS.label, LIMITS.url, LIMITS.message, LIMITS.stack).chain(aroundLimit) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constant(ABSENT) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      -1, 1.5, 8.64e15 + 1, 2 ** 53, '', 'A'.repeat(32), '0'.repeat(31), 'Checkout', 'a'.repeat(65), 'bogus', 'not-a-uuid', '1', true, [], {},
      { nested: { a: 1 } }, { list: [1] }, { ['k'.repeat(LIMITS.propKey + 1)]: 1 }, { '': 1 },
      Object.fromEntries(Array.from({ length: LIMITS.propKeys + 1 }, (_, i) => [`k${i}`, i])),
      Array.from({ length: LIMITS.frames + 1 }, () => ({ fn: 'f' })),
      ...EVENT_KINDS,
    ),
  },
);

/** Extra keys on any object: hostile names, the polluting ones above all. */
const extraKeys = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string({ maxLength: 10 })), jsonValue), { maxLength: 2 });

/**
 * An event built on `makeEvent` with a few fields changed: to values the protocol accepts,
 * or (`hostile`) to wrong ones, with hostile keys added at its level and in its props.
 */
const eventOf = (hostile: boolean): fc.Arbitrary<object> =>
  fc.constantFrom(...EVENT_KINDS).chain((kind) => {
    const fields: Record<string, fc.Arbitrary<unknown>> = { ...COMMON, ...KIND_FIELDS[kind] };
    const names = Object.keys(fields);
    const value = (n: string) => (hostile ? fc.oneof({ weight: 2, arbitrary: fields[n]! }, { weight: 3, arbitrary: wrong }) : fields[n]!);
    return fc.tuple(fc.subarray(hostile ? [...names, 'kind'] : names, { maxLength: 5 }), hostile ? extraKeys : fc.constant([]), fc.boolean()).chain(([picked, extra, pollute]) =>
      fc.tuple(...picked.map((n) => (n === 'kind' ? fc.constantFrom(...EVENT_KINDS) : value(n)))).map((values) => {
        const e: Record<string, unknown> = { ...makeEvent(kind) };
        picked.forEach((n, i) => {
          if (values[i] === ABSENT) delete e[n];
          else e[n] = values[i];
        });
        if (hostile && pollute && typeof e.props === 'object' && e.props !== null) withKeys(e.props, [['__proto__', { polluted: 1 }]]);
        return withKeys(e, extra);
      }),
    );
  });

/**
 * A batch on `makeBatch`: half the time every event is valid (so acceptance is exercised
 * as hard as refusal), otherwise one hostile event hides among them or the envelope is
 * wrong; sometimes an event is repeated, with the same or different content.
 */
const batch: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.array(eventOf(false), { minLength: 1, maxLength: 8 }),
    fc.constantFrom('valid', 'event', 'envelope'),
    eventOf(true),
    fc.nat(),
    fc.nat({ max: 9 }),
    fc.record({ v: fc.oneof(fc.constant(ABSENT), wrong), batch_id: fc.oneof(fc.constant(ABSENT), wrong), events: fc.oneof(fc.constant([]), wrong) }, { requiredKeys: [] }),
    extraKeys,
  )
  .map(([events, mode, bad, at, dup, envelope, extra]) => {
    if (mode === 'event') events.splice(at % (events.length + 1), 0, bad);
    if (dup === 0) events.push(events[0]!);
    if (dup === 1) events.push({ ...events[0]!, session_id: 'the same ID again' });
    const b: Record<string, unknown> = { ...makeBatch(events as never) };
    if (mode === 'envelope') {
      for (const [k, v] of Object.entries(envelope)) {
        if (v === ABSENT) delete b[k];
        else b[k] = v;
      }
      withKeys(b, extra);
    }
    return b;
  });

describe('POST /v1/batch under hostile input', () => {
  it('any bytes, valid UTF-8 or not', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (bytes) => {
        const status = await attempt(() => post(bytes), parseOr(new TextDecoder().decode(bytes)));
        expect(status).not.toBe(200);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('any JSON and deep nesting, with __proto__, constructor and prototype keys at every level', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 8, arbitrary: jsonText }, { weight: 1, arbitrary: deepText }), async (text) => {
        const status = await attempt(() => post(text), parseOr(text));
        expect(status).toBe(400);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('batches with wrong types, huge and strange values, repeats and polluting keys: accepted exactly when the protocol accepts them', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (value) => {
        const text = JSON.stringify(value);
        const sent = JSON.parse(text) as unknown;
        const status = await attempt(() => post(text), sent);
        const valid = CollectorBatch.safeParse(sent).success;
        expect(status, 'the protocol and the route disagree').toBe(valid ? 200 : 400);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('enormous and strange headers: Authorization, Content-Type, Content-Encoding and Content-Length that lie', async () => {
    const headers = fc.record(
      {
        authorization: fc.oneof(fc.constant(`Bearer ${SECRET}`), authorizationFor(SECRET)),
        'content-type': headerValue,
        'content-encoding': fc.oneof(fc.constantFrom('gzip', 'identity', ' GZIP '), headerValue),
        'content-length': fc.oneof(fc.constantFrom('0', '1', '-1', String(LIMITS.collectorBatchBytes), String(LIMITS.collectorBatchBytes + 1)), headerValue),
        'x-request-id': headerValue,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, fc.boolean(), async (h, gzip) => {
        const text = JSON.stringify(makeBatch([makeEvent('track', { session_id: 's-headers' })]));
        const body = gzip ? gzipSync(text) : text;
        const status = await attempt(() => post(body, h), JSON.parse(text));
        expect(status).toBe(expectedStatus(h, gzip));
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('bodies at and just past the byte limit, with and without a true Content-Length, plain or gzip', async () => {
    const limit = LIMITS.collectorBatchBytes;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -2, max: 2 }), fc.constantFrom('none', 'true', 'short', 'long'), fc.boolean(), async (delta, declared, gzip) => {
        const text = JSON.stringify(makeBatch([makeEvent('track')]));
        const padded = text + ' '.repeat(limit + delta - Buffer.byteLength(text));
        const body = gzip ? gzipSync(padded) : Buffer.from(padded);
        const length = { none: undefined, true: body.length, short: 1, long: limit + 1 }[declared];
        const headers: Record<string, string> = { authorization: `Bearer ${SECRET}`, ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
        if (length !== undefined) headers['content-length'] = String(length);
        const status = await attempt(() => post(body, headers), JSON.parse(padded));
        expect(status).toBe(delta <= 0 && declared !== 'long' ? 200 : 413);
      }),
      params(runs(12, 0.02)),
    );
  }, timeoutFor(runs(12, 0.02)) + runs(12, 0.02) * 1000);

  it('more events than a batch may hold is refused whole', async () => {
    const events = Array.from({ length: LIMITS.collectorBatchEvents + 1 }, () => makeEvent('track'));
    const body = JSON.stringify(makeBatch(events));
    const status = await attempt(() => post(body), JSON.parse(body));
    expect(status).toBe(400);
  });
});

/** What `POST /v1/batch` must answer for these headers and a valid batch, plain or gzip. */
function expectedStatus(h: Record<string, string | undefined>, gzip: boolean): number {
  // Header values reach the app trimmed of spaces, tabs and line breaks (the Fetch standard).
  const trim = (v: string | undefined) => v?.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(trim(h.authorization) ?? '')?.[1];
  if (!token) return 401;
  if (token !== SECRET) return 403;
  const encoding = (trim(h['content-encoding']) ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') return 415;
  const declared = trim(h['content-length']);
  if (declared !== undefined && Number(declared) > LIMITS.collectorBatchBytes) return 413;
  if ((encoding === 'gzip') !== gzip) return 400;
  return 200;
}

describe('clocks that are off', () => {
  it('stores events whose received_at is off from the collector’s clock at the collector’s clock, instead of letting the TTL drop them', async () => {
    const now = Date.now();
    const events = [
      makeEvent('track', { ts: 1, received_at: 1 }), // an edge clock stuck in 1970
      makeEvent('track', { ts: T0, received_at: now - 401 * DAY }), // older than the retention
      makeEvent('track', { ts: 8.64e15, received_at: 8.64e15 }), // the protocol's end of time
      makeEvent('track', { ts: T0, received_at: now + 2 * DAY }), // a little too far ahead
    ];
    const body = JSON.stringify(makeBatch(events));
    expect(await attempt(() => post(body), JSON.parse(body))).toBe(200);
    const { client, database } = f.collector.storage;
    const rs = await client.query({
      query: `SELECT toString(event_id) AS id, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(received_at) AS received_at, client_ts
        FROM ${database}.events WHERE toString(event_id) IN {ids:Array(String)}`,
      query_params: { ids: events.map((e) => e.event_id) },
      format: 'JSONEachRow',
    });
    const rows = new Map((await rs.json<Record<string, string | number | null>>()).map((r) => [r.id, r]));
    for (const [i, e] of events.entries()) {
      const row = rows.get(e.event_id)!;
      expect(Number(row.received_at), `event ${i}`).toBeGreaterThanOrEqual(now);
      expect(Number(row.received_at) - now, `event ${i}`).toBeLessThan(60_000);
      // A ts that is fine against the collector's clock stays; one that is not is kept in client_ts.
      if (e.ts === T0) expect([Number(row.ts), row.client_ts]).toEqual([T0, null]);
      else expect([Number(row.ts), Number(row.client_ts)]).toEqual([Number(row.received_at), e.ts]);
    }
  });
});

describe('refusals name their problem', () => {
  it('every invalid batch is a 400 invalid_batch with issues, and nothing of it is stored', async () => {
    await fc.assert(
      fc.asyncProperty(batch.filter((b) => !CollectorBatch.safeParse(JSON.parse(JSON.stringify(b))).success), async (value) => {
        const res = await post(JSON.stringify(value));
        expect(res.status).toBe(400);
        const body = ErrorResponse.parse(await res.json());
        expect(body.error).toBe('invalid_batch');
        expect(body.issues?.length).toBeGreaterThan(0);
        for (const issue of body.issues!) expect(issue.message.length).toBeGreaterThan(0);
      }),
      params(runs(50, 0.25)),
    );
  }, timeoutFor(runs(50, 0.25)));
});
