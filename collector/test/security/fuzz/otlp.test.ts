import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@lifeline/protocol';
import { mapOtlpLogs } from '../../../src/otlp/logs';
import type { MappedRequest } from '../../../src/otlp/mapped';
import { mapOtlpTraces } from '../../../src/otlp/traces';
import { INGEST_TOKENS, SECRET, TOKENS } from '../../helpers';
import {
  POLLUTING_KEYS, Raw, asStored, authorizationFor, deepText, expectCleanAnswer, expectPrototypesUntouched, expectStorageHolds, headerValue, hostileBytes,
  hostileString, hugeString, jsonText, jsonValue, openFuzzCollector, params, rawJson, runs, storageCounts, storedByIds, timeoutFor, toJsonText, withKeys,
  type FuzzCollector,
} from './support';

/**
 * `POST /otlp/v1/logs` and `POST /otlp/v1/traces` (OTLP/HTTP JSON, ingest token) under
 * hostile input. Every answer is a 200 (`{}` or a partial success naming how many items
 * were refused) or a 4xx whose body is both an OTLP `Status` and an `ErrorResponse`; a
 * refused request stores nothing; an accepted one stores every item it did not count as
 * refused, each once, and counts every item of the request one way or the other.
 */

type Signal = 'logs' | 'traces';

let f: FuzzCollector;
let server: Server;
let base: string;
const acknowledged = new Set<string>();

beforeAll(async () => {
  f = await openFuzzCollector();
  server = serve({ fetch: f.collector.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await expectStorageHolds(f, acknowledged);
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await f?.close();
  expectPrototypesUntouched();
});

const JSON_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKENS.demo}` };
const post = (signal: Signal, body: string | Uint8Array, headers: Record<string, string> = JSON_HEADERS) =>
  f.collector.app.request(`/otlp/v1/${signal}`, { method: 'POST', headers, body });

const MAP = { logs: mapOtlpLogs, traces: mapOtlpTraces } as const;
const REJECTED_FIELD = { logs: 'rejectedLogRecords', traces: 'rejectedSpans' } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * How many items a request holds, counted from the OTLP shape alone: each log record (or
 * span, and each of its span events) is one; an entry at any level that is not an object
 * is one refused item, and what it would have held is not counted.
 */
function itemsOf(signal: Signal, body: Record<string, unknown>): number {
  const [top, scopes, leaves] = signal === 'logs' ? ['resourceLogs', 'scopeLogs', 'logRecords'] : ['resourceSpans', 'scopeSpans', 'spans'];
  let n = 0;
  for (const r of list(body[top])) {
    if (!isObject(r)) n++;
    else
      for (const s of list(r[scopes])) {
        if (!isObject(s)) n++;
        else for (const leaf of list(s[leaves])) n += isObject(leaf) && signal === 'traces' ? 1 + list(leaf.events).length : 1;
      }
  }
  return n;
}

const parseOr = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Sends one request and checks it: a clean answer (refusals also carry OTLP's `code` and
 * `message`); a refusal changes nothing in storage; a 200 is given exactly to an export
 * request within the limits, counts as refused exactly the items the mapping refuses, and
 * every event made from the others is in storage under the token's project. `sent` is the
 * body as JSON (undefined when it is not).
 */
async function attempt(signal: Signal, send: () => Response | Promise<Response>, sent: unknown, project = 'demo'): Promise<number> {
  const before = await storageCounts(f.collector);
  const { status, body } = await expectCleanAnswer(await send());
  if (status !== 200) {
    expect(body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
    const after = await storageCounts(f.collector);
    expect(after.events).toBe(before.events);
    expect(after.rows).toBeLessThanOrEqual(before.rows);
    return status;
  }
  const mapped = MAP[signal](sent, { project, receivedAt: Date.now() }) as MappedRequest;
  expect(mapped, 'a 200 for a body that is not an export request').not.toBeNull();
  expect(mapped.events.length).toBeLessThanOrEqual(LIMITS.logsPerRequest);
  expect(mapped.events.length + mapped.rejected).toBe(itemsOf(signal, sent as Record<string, unknown>));
  expect(body).toEqual(mapped.rejected === 0 ? {} : { partialSuccess: { [REJECTED_FIELD[signal]]: mapped.rejected, errorMessage: expect.any(String) } });
  const ids = mapped.events.map((e) => e.event_id.toLowerCase());
  const first = ids.map((id) => !acknowledged.has(id) && ids.indexOf(id) === ids.lastIndexOf(id));
  for (const id of ids) acknowledged.add(id);
  const stored = await storedByIds(f.collector, ids);
  for (const [i, e] of mapped.events.entries()) {
    const row = stored.get(ids[i]!);
    expect(row, `item ${i} (${ids[i]}) is not stored`).toBeDefined();
    if (first[i]) expect(row).toMatchObject({ kind: 'log', project, message: asStored(e.kind === 'log' ? e.message : ''), session_id: asStored(e.session_id ?? ''), copies: 1 });
  }
  return status;
}

/** What a route must answer for a body of `bytes` bytes: 413 past the byte limit; 400 when it is not an export request; 413 past the item limit; else 200. */
function expectedFor(signal: Signal, sent: unknown, bytes: number): number {
  if (bytes > LIMITS.logsRequestBytes) return 413;
  const mapped = MAP[signal](sent, { project: 'demo', receivedAt: Date.now() });
  if (!mapped) return 400;
  return mapped.events.length > LIMITS.logsPerRequest ? 413 : 200;
}

const now = Date.now();
const junk = fc.constantFrom<unknown>(null, 1, 'x', [], true, {});
const fresh = fc.constant(null).map(() => randomUUID());

/** OTLP's nanosecond times: decimal strings and numbers near now, and zero, negatives, garbage, numbers past every limit. */
const nanos: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: now - 30 * 86_400_000, max: now + 86_400_000 }).map((ms) => `${ms}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`) },
  { weight: 1, arbitrary: fc.integer({ min: now - 86_400_000, max: now }).map((ms) => ms * 1e6) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>('0', 0, '-1', -1, 1.5, '1e18', '12', '9'.repeat(30), '', ' 1', 2 ** 64, -(2 ** 63)) },
  { weight: 1, arbitrary: rawJson },
  { weight: 1, arbitrary: hostileString },
);

/** Trace and span IDs: hex, upper-case hex, base64, all zeros, the wrong length, anything. */
const otlpId = (bytes: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')) },
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex').toUpperCase()),
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('base64')),
    fc.constantFrom<unknown>('0'.repeat(bytes * 2), 'f'.repeat(bytes * 2 + 1), 'g'.repeat(bytes * 2), '', 12),
    hostileString,
  );

/** Attribute keys: the ones the mapping reads, hostile ones, polluting ones, long ones. */
const attrKey = fc.oneof(
  fc.constantFrom(
    'request_id', 'session.id', 'user.id', 'enduser.id', 'order.id', 'url.full', 'http.url', 'http.request.header.x-request-id', 'service.name',
    'service.version', 'deployment.environment.name', 'exception.type', 'exception.message', 'lifeline.event_id', 'toString', 'k'.repeat(LIMITS.propKey + 1), '',
  ),
  fc.constantFrom(...POLLUTING_KEYS),
  hostileString,
);

/** An OTLP `AnyValue`, nested, or something that is not one. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ stringValue: fc.oneof({ weight: 20, arbitrary: hostileString }, { weight: 1, arbitrary: hugeString }) }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: fc.oneof(fc.integer(), fc.bigInt().map(String), fc.constantFrom<unknown>('9223372036854775807', '-9223372036854775808', 'x', 1.5)) }),
    fc.record({ doubleValue: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom<unknown>('NaN', 'Infinity', '-Infinity', 'x')) }),
    fc.record({ bytesValue: fc.base64String({ maxLength: 40 }) }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 4 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: attrKey, value: tie('value') }), { maxLength: 4 }) }) }),
    jsonValue,
    rawJson,
  ),
})).value;

/** Attribute lists: a few key/value pairs (a valid given event ID among them now and then), more than props may hold, or not a list. */
const attributes: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 6, arbitrary: fc.record({ key: attrKey, value: anyValue }) }, fc.record({ key: fc.constant('lifeline.event_id'), value: fc.record({ stringValue: fresh }) }), junk), { maxLength: 6 }) },
  fc.constant(Array.from({ length: LIMITS.propKeys + 5 }, (_, i) => ({ key: `a${i}`, value: { intValue: i } }))),
  jsonValue,
);

/** Extra keys on an object: polluting ones above all. */
const withExtra = <T extends object>(arb: fc.Arbitrary<T>) =>
  fc
    .tuple(arb, fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), hostileString), fc.oneof({ weight: 5, arbitrary: jsonValue }, { weight: 1, arbitrary: rawJson })), { maxLength: 2 }))
    .map(([o, extra]) => withKeys(o, extra));

const resource = fc.oneof({ weight: 6, arbitrary: fc.record({ attributes }) }, junk);

const logRecord = withExtra(
  fc.record(
    {
      timeUnixNano: nanos,
      observedTimeUnixNano: nanos,
      severityNumber: fc.oneof(fc.integer({ min: -1, max: 26 }), fc.constantFrom<unknown>('SEVERITY_NUMBER_WARN2', 'SEVERITY_NUMBER_BOGUS', '13', 1.5)),
      severityText: fc.oneof(fc.constantFrom('WARN', 'error', ' Critical ', 'notice'), hostileString),
      body: anyValue,
      attributes,
      traceId: otlpId(16),
      spanId: otlpId(8),
      eventName: hostileString,
    },
    { requiredKeys: [] },
  ),
);

const spanEvent = withExtra(fc.record({ timeUnixNano: nanos, name: fc.oneof(fc.constant('exception'), hostileString), attributes }, { requiredKeys: [] }));

const span = withExtra(
  fc.record(
    {
      traceId: otlpId(16),
      spanId: otlpId(8),
      parentSpanId: otlpId(8),
      name: fc.oneof({ weight: 20, arbitrary: hostileString }, { weight: 1, arbitrary: hugeString }),
      kind: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom<unknown>('SPAN_KIND_SERVER', 'SPAN_KIND_BOGUS', 'server', 1.5)),
      startTimeUnixNano: nanos,
      endTimeUnixNano: nanos,
      status: fc.oneof(fc.record({ code: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom<unknown>('STATUS_CODE_ERROR', 'STATUS_CODE_OK', 'ERROR')), message: hostileString }, { requiredKeys: [] }), junk),
      attributes,
      events: fc.oneof({ weight: 6, arbitrary: fc.array(fc.oneof({ weight: 6, arbitrary: spanEvent }, junk), { maxLength: 2 }) }, jsonValue),
    },
    { requiredKeys: [] },
  ),
);

/** An export request: mostly the right shape, with entries that are not objects at every level, and now and then a top level that is wrong. */
const exportRequest = (signal: Signal): fc.Arbitrary<unknown> => {
  const [top, scopes, leaves, leaf] = signal === 'logs' ? (['resourceLogs', 'scopeLogs', 'logRecords', logRecord] as const) : (['resourceSpans', 'scopeSpans', 'spans', span] as const);
  const scope = withExtra(fc.record({ scope: fc.oneof(fc.record({ name: hostileString }), junk), [leaves]: fc.array(fc.oneof({ weight: 8, arbitrary: leaf }, junk), { maxLength: 4 }) }, { requiredKeys: [leaves] }));
  const res = withExtra(fc.record({ resource, [scopes]: fc.array(fc.oneof({ weight: 8, arbitrary: scope }, junk), { maxLength: 2 }) }, { requiredKeys: [scopes] }));
  return fc.oneof(
    { weight: 12, arbitrary: withExtra(fc.record({ [top]: fc.array(fc.oneof({ weight: 8, arbitrary: res }, junk), { minLength: 1, maxLength: 2 }) })) },
    fc.record({ [top]: jsonValue }),
    fc.constant({}),
    jsonValue,
  );
};

const signal = fc.constantFrom<Signal>('logs', 'traces');

describe('POST /otlp/v1/logs and /otlp/v1/traces under hostile input', () => {
  it('any bytes, valid UTF-8 or not', async () => {
    await fc.assert(
      fc.asyncProperty(signal, hostileBytes, async (s, bytes) => {
        const text = (() => {
          try {
            return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          } catch {
            return undefined;
          }
        })();
        const sent = text === undefined ? undefined : parseOr(text);
        const status = await attempt(s, () => post(s, bytes), sent);
        expect(status).toBe(sent === undefined ? 400 : expectedFor(s, sent, bytes.length));
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('any JSON and deep nesting, with polluting keys at every level', async () => {
    await fc.assert(
      fc.asyncProperty(signal, fc.oneof({ weight: 8, arbitrary: jsonText }, { weight: 1, arbitrary: deepText }), async (s, text) => {
        const sent = parseOr(text);
        const status = await attempt(s, () => post(s, text), sent);
        expect(status).toBe(expectedFor(s, sent, Buffer.byteLength(text)));
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('export requests with hostile values, times, IDs, attributes and nesting: every item stored or counted as refused', async () => {
    await fc.assert(
      fc.asyncProperty(signal.chain((s) => fc.tuple(fc.constant(s), exportRequest(s))), async ([s, request]) => {
        const text = toJsonText(request);
        const sent = JSON.parse(text) as unknown;
        const status = await attempt(s, () => post(s, text), sent);
        expect(status).toBe(expectedFor(s, sent, Buffer.byteLength(text)));
      }),
      params(runs(100)),
    );
  }, timeoutFor(runs(100)));

  it('enormous and strange headers: Content-Type, Authorization, Content-Encoding and Content-Length that lie', async () => {
    const headers = fc.record(
      {
        'content-type': fc.oneof(
          fc.constantFrom('application/json', 'application/json; charset=utf-8', ' APPLICATION/JSON ;x', 'application/x-protobuf', 'application/jsonx', 'text/json', 'application/json,text/plain'),
          headerValue,
        ),
        authorization: fc.oneof(fc.constantFrom(`Bearer ${INGEST_TOKENS.demo}`, `Bearer ${SECRET}`, `Bearer ${TOKENS.demo}`), authorizationFor(INGEST_TOKENS.demo)),
        'content-encoding': fc.oneof(fc.constantFrom('gzip', 'identity'), headerValue),
        'content-length': fc.oneof(fc.constantFrom('0', '1', String(LIMITS.logsRequestBytes + 1)), headerValue),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(signal, headers, fc.boolean(), async (s, h, gzip) => {
        const request = s === 'logs'
          ? { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: `headers ${randomUUID()}` } }] }] }] }
          : { resourceSpans: [{ scopeSpans: [{ spans: [{ name: `headers ${randomUUID()}`, traceId: randomUUID().replace(/-/g, ''), spanId: 'a1b2c3d4e5f60718' }] }] }] };
        const text = JSON.stringify(request);
        const status = await attempt(s, () => post(s, gzip ? gzipSync(text) : text, h), request);
        expect(status).toBe(expectedStatus(h, gzip));
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  // Within the byte limit: past it, the server answers 413 before the upload ends and may
  // close the connection under a client still sending (the limit is checked above).
  it('over real HTTP in chunks: any bytes, any JSON, hostile export requests', async () => {
    const body = signal.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.oneof(hostileBytes, jsonText.map((t) => Buffer.from(t)), exportRequest(s).map((r) => Buffer.from(toJsonText(r)))).filter((b) => b.length <= LIMITS.logsRequestBytes),
        fc.integer({ min: 1, max: 64 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async ([s, bytes, size]) => {
        // Small chunks, at most a few thousand of them.
        const chunk = Math.max(size, Math.ceil(bytes.length / 2000));
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
            controller.close();
          },
        });
        const send = () => fetch(`${base}/otlp/v1/${s}`, { method: 'POST', headers: JSON_HEADERS, body: stream, duplex: 'half' } as RequestInit);
        const text = (() => {
          try {
            return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          } catch {
            return undefined;
          }
        })();
        const sent = text === undefined ? undefined : parseOr(text);
        const status = await attempt(s, send, sent);
        expect(status).toBe(sent === undefined ? 400 : expectedFor(s, sent, bytes.length));
      }),
      params(runs(60, 0.4)),
    );
  }, timeoutFor(runs(60, 0.4)));

  it('more items than a request may hold is refused whole; bodies past the byte limit too', async () => {
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ body: { stringValue: `many ${i}` }, timeUnixNano: `${now}000000` }));
    const over = { resourceLogs: [{ scopeLogs: [{ logRecords: records(LIMITS.logsPerRequest + 1) }] }] };
    expect(await attempt('logs', () => post('logs', JSON.stringify(over)), over)).toBe(413);
    const at = { resourceLogs: [{ scopeLogs: [{ logRecords: records(LIMITS.logsPerRequest) }] }] };
    expect(await attempt('logs', () => post('logs', JSON.stringify(at)), at)).toBe(200);
    const big = JSON.stringify(over).padEnd(LIMITS.logsRequestBytes + 1, ' ');
    expect(await attempt('traces', () => post('traces', gzipSync(big), { ...JSON_HEADERS, 'content-encoding': 'gzip' }), undefined)).toBe(413);
  }, 60_000);
});

/** What an OTLP route must answer for these headers and a valid one-item request, plain or gzip. */
function expectedStatus(h: Record<string, string | undefined>, gzip: boolean): number {
  const trim = (v: string | undefined) => v?.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(trim(h.authorization) ?? '')?.[1];
  if (!token) return 401;
  if (token !== INGEST_TOKENS.demo) return 403;
  if ((trim(h['content-type']) ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') return 415;
  const encoding = (trim(h['content-encoding']) ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') return 415;
  const declared = trim(h['content-length']);
  if (declared !== undefined && Number(declared) > LIMITS.logsRequestBytes) return 413;
  if ((encoding === 'gzip') !== gzip) return 400;
  return 200;
}

describe('regressions found by fuzzing', () => {
  it('a log record nested deeper than a recursive walk can follow is stored, not a 500', async () => {
    for (const deep of ['[', '{"a":', '{"__proto__":']) {
      const close = deep === '[' ? ']' : '}';
      const text = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"deep ${randomUUID()}"},"x":${deep.repeat(100_000)}1${close.repeat(100_000)}}]}]}]}`;
      expect(await attempt('logs', () => post('logs', text), JSON.parse(text))).toBe(200);
    }
  });

  it('a span whose times are past what a number can hold is stored without a duration, not a 500', async () => {
    for (const [start, end] of [['1e999', '1'], ['1', '1e999'], ['-1e999', '1e999']]) {
      const name = `span ${randomUUID()}`;
      const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"${name}","startTimeUnixNano":${start},"endTimeUnixNano":${end}}]}]}]}`;
      expect(await attempt('traces', () => post('traces', text), JSON.parse(text))).toBe(200);
    }
  });
});
