import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendLog, BackendLogs, LIMITS, LOG_LEVELS, LogsAck } from '@lifeline/protocol';
import { backendLogToEvent } from '../../../src/ingest/backend-log-event';
import { INGEST_TOKENS, SECRET, TOKENS } from '../../helpers';
import {
  POLLUTING_KEYS, aroundLimit, asStored, authorizationFor, deepText, expectCleanAnswer, expectPrototypesUntouched, expectStorageHolds, headerValue,
  hostileBytes, hugeString, jsonText, jsonValue, openFuzzCollector, params, runs, storageCounts, storedByIds, textUpTo, timeoutFor, withKeys, type FuzzCollector,
} from './support';

/**
 * `POST /v1/logs` (ingest token) under hostile input: bodies that are a JSON array or JSON
 * lines, or neither. Every answer is a 200 with `stored` or a 4xx with a reason; the route
 * accepts exactly what the protocol's `BackendLogs` accepts; a refused request stores
 * nothing, an accepted one stores every record, once, under the token's project.
 */

let f: FuzzCollector;
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

/** Ingest token → project (a Map: a token like `hasOwnProperty` must not find anything). */
const PROJECT_OF = new Map<string, string>([[INGEST_TOKENS.demo, 'demo'], [INGEST_TOKENS.other, 'other']]);

const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/x-ndjson', authorization: `Bearer ${INGEST_TOKENS.demo}` }) =>
  f.collector.app.request('/v1/logs', { method: 'POST', headers, body });

/**
 * The records in a body as the route documents them: a JSON array, or JSON lines with
 * blank lines ignored; undefined when it is neither.
 */
function recordsOf(text: string): unknown {
  try {
    if (text.trimStart().startsWith('[')) return JSON.parse(text);
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Sends one request and checks it: a clean answer; a refusal changes nothing in storage;
 * an acceptance is of records the protocol accepts, acknowledged with their number, each
 * stored as a `log` event of `project` with its message and session. `sent` is the body's
 * records (undefined when it has none). Answers the status.
 */
async function attempt(send: () => Response | Promise<Response>, sent: unknown, project = 'demo'): Promise<number> {
  const before = await storageCounts(f.collector);
  const { status, body } = await expectCleanAnswer(await send());
  if (status !== 200) {
    const after = await storageCounts(f.collector);
    expect(after.events).toBe(before.events);
    expect(after.rows).toBeLessThanOrEqual(before.rows);
    return status;
  }
  const records = BackendLogs.parse(sent);
  expect(LogsAck.parse(body)).toEqual({ stored: records.length });
  const events = records.map((r) => backendLogToEvent(r, project, 0));
  const ids = events.map((e) => e.event_id.toLowerCase());
  const first = ids.map((id) => !acknowledged.has(id) && ids.indexOf(id) === ids.lastIndexOf(id));
  for (const id of ids) acknowledged.add(id);
  const stored = await storedByIds(f.collector, ids);
  for (const [i, r] of records.entries()) {
    const row = stored.get(ids[i]!);
    expect(row, `record ${i} (${ids[i]}) is not stored`).toBeDefined();
    if (first[i]) expect(row).toMatchObject({ kind: 'log', project, message: asStored(r.message), session_id: asStored(r.session_id ?? ''), copies: 1 });
  }
  return status;
}

const DAY = 86_400_000;
const now = Date.now();
const nonEmpty = (max: number) => textUpTo(max).filter((s) => s.length > 0);

/** Times the protocol accepts: epoch ms near now or far off (the clock guard's business), and ISO 8601 with offsets. */
const timestamp = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: now - 30 * DAY, max: now + DAY }) },
  fc.integer({ min: now - 30 * DAY, max: now + DAY }).map((t) => new Date(t).toISOString()),
  fc.tuple(fc.integer({ min: now - 30 * DAY, max: now }), fc.constantFrom('+00:00', '+05:30', '-12:00', '+14:00')).map(([t, off]) => new Date(t).toISOString().replace('Z', off)),
  fc.constantFrom(0, 1, 8.64e15, now - 500 * DAY, '1970-01-01T00:00:00Z', '2999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '2026-01-01T00:00:00.123456789+01:00'),
  // Any date-time of years 0000 to 9999, written with odd fractions and offsets.
  fc
    .tuple(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.constantFrom('', '.5', '.123', '.123456', '.000000001'), fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+23:59', '-23:59', '+0530'))
    .map(([d, fraction, offset]) => `${d.toISOString().slice(0, 19)}${fraction}${offset}`),
);
const props = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(nonEmpty(LIMITS.propKey).filter((k) => !POLLUTING_KEYS.includes(k as never)), fc.oneof(textUpTo(LIMITS.propValue), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), { maxKeys: 6 }) },
  fc.constant(Object.fromEntries(Array.from({ length: LIMITS.propKeys }, (_, i) => [`k${i}`, i]))),
);

/** A `BackendLog`'s fields, each with values the protocol accepts. */
const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  event_id: fc.constant(null).map(() => randomUUID()),
  timestamp,
  level: fc.constantFrom(...LOG_LEVELS),
  message: textUpTo(LIMITS.message),
  service: textUpTo(LIMITS.label),
  request_id: textUpTo(LIMITS.id),
  trace_id: fc.stringMatching(/^[0-9a-f]{32}$/),
  session_id: textUpTo(LIMITS.id),
  user_id: textUpTo(LIMITS.id),
  order_id: textUpTo(LIMITS.id),
  release: textUpTo(LIMITS.label),
  environment: textUpTo(LIMITS.label),
  url: textUpTo(LIMITS.url),
  attributes: props,
};

const ABSENT = Symbol('absent');

/** Values that are wrong for some field: near misses, wrong types, anything, strings around a limit, nothing. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: jsonValue },
  { weight: 2, arbitrary: fc.constantFrom(LIMITS.id, LIMITS.label, LIMITS.url, LIMITS.message).chain(aroundLimit) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constant(ABSENT) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      -1, 1.5, 8.64e15 + 1, 'yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z', 'INFO', 'loud', '', 'A'.repeat(32), 'e1',
      { nested: { a: 1 } }, { ['k'.repeat(LIMITS.propKey + 1)]: 1 }, Object.fromEntries(Array.from({ length: LIMITS.propKeys + 1 }, (_, i) => [`k${i}`, i])), [], {},
    ),
  },
);

/** A record: the required fields, a few optional or changed ones (valid, or wrong when `hostile`), hostile keys when `hostile`. */
const recordOf = (hostile: boolean): fc.Arbitrary<object> =>
  fc
    .tuple(
      fc.subarray(Object.keys(FIELDS), { maxLength: 6 }),
      hostile ? fc.array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string({ maxLength: 10 })), jsonValue), { maxLength: 2 }) : fc.constant([]),
      fc.boolean(),
    )
    .chain(([names, extra, pollute]) =>
      fc.tuple(...names.map((n) => (hostile ? fc.oneof({ weight: 2, arbitrary: FIELDS[n]! }, { weight: 3, arbitrary: wrong }) : FIELDS[n]!))).map((values) => {
        const r: Record<string, unknown> = { timestamp: now - 1000, level: 'info', message: 'order paid' };
        names.forEach((n, i) => {
          if (values[i] === ABSENT) delete r[n];
          else r[n] = values[i];
        });
        if (hostile && pollute) r.attributes = withKeys({ ok: 1 }, [['__proto__', { polluted: 1 }]]);
        return withKeys(r, extra);
      }),
    );

/** How records are written: a JSON array, or JSON lines with blank lines and CRLF, and what may surround them. */
const layout = fc.record({
  lines: fc.boolean(),
  crlf: fc.boolean(),
  blank: fc.boolean(),
  lead: fc.constantFrom('', ' ', '\n\n', '\t', '\ufeff'),
  junk: fc.oneof({ weight: 6, arbitrary: fc.constant('') }, fc.constantFrom('\n{oops}', '\n]', '\nnull', '\n[]', '\n"text"', '\n1e999')),
});

function write(records: unknown[], l: { lines: boolean; crlf: boolean; blank: boolean; lead: string; junk: string }): string {
  if (!l.lines) return l.lead + JSON.stringify(records) + l.junk;
  const nl = l.crlf ? '\r\n' : '\n';
  return l.lead + records.map((r) => JSON.stringify(r)).join(l.blank ? `${nl}${nl}` : nl) + l.junk + nl;
}

/** Records: half the time all valid, otherwise with one hostile record hidden among them; sometimes one repeated. */
const records = fc
  .tuple(fc.array(recordOf(false), { minLength: 1, maxLength: 8 }), fc.boolean(), recordOf(true), fc.nat(), fc.nat({ max: 5 }))
  .map(([rs, clean, bad, at, dup]) => {
    if (!clean) rs.splice(at % (rs.length + 1), 0, bad);
    if (dup === 0) rs.push(rs[0]!);
    return rs;
  });

describe('POST /v1/logs under hostile input', () => {
  it('any bytes, valid UTF-8 or not', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (bytes) => {
        const status = await attempt(() => post(bytes), undefined);
        expect(status).not.toBe(200);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('any JSON, as a body or as lines, and deep nesting, with polluting keys at every level', async () => {
    const body = fc.oneof(
      { weight: 4, arbitrary: jsonText },
      { weight: 4, arbitrary: fc.array(jsonText, { minLength: 1, maxLength: 5 }).map((lines) => lines.join('\n')) },
      { weight: 1, arbitrary: deepText },
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const sent = recordsOf(text);
        const status = await attempt(() => post(text), sent);
        expect(status).toBe(BackendLogs.safeParse(sent).success ? 200 : 400);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('records with wrong types, huge and strange values, polluting keys and odd layouts: accepted exactly when the protocol accepts them', async () => {
    await fc.assert(
      fc.asyncProperty(records, layout, async (rs, l) => {
        const text = write(rs, l);
        // A leading BOM is not part of the text (UTF-8 decoding drops it).
        const sent = recordsOf(text.replace(/^\ufeff/, ''));
        const status = await attempt(() => post(text), sent);
        const valid = BackendLogs.safeParse(sent).success;
        expect(status, 'the protocol and the route disagree').toBe(valid ? 200 : 400);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('enormous and strange headers: Authorization, Content-Encoding and Content-Length that lie', async () => {
    const headers = fc.record(
      {
        authorization: fc.oneof(
          fc.constantFrom(`Bearer ${INGEST_TOKENS.demo}`, `Bearer ${INGEST_TOKENS.other}`, `Bearer ${SECRET}`, `Bearer ${TOKENS.demo}`),
          authorizationFor(INGEST_TOKENS.demo),
        ),
        'content-type': headerValue,
        'content-encoding': fc.oneof(fc.constantFrom('gzip', 'identity', ' GZIP '), headerValue),
        'content-length': fc.oneof(fc.constantFrom('0', '1', '-1', String(LIMITS.logsRequestBytes), String(LIMITS.logsRequestBytes + 1)), headerValue),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, fc.boolean(), async (h, gzip) => {
        const rs = [{ timestamp: Date.now(), level: 'warn', message: `headers ${randomUUID()}`, session_id: 's-headers' }];
        const text = JSON.stringify(rs);
        const expected = expectedStatus(h, gzip);
        const status = await attempt(() => post(gzip ? gzipSync(text) : text, h), rs, expected.project);
        expect(status).toBe(expected.status);
      }),
      params(runs()),
    );
  }, timeoutFor(runs()));

  it('bodies at and just past the byte limit, plain or as a few KiB of gzip that expand to it', async () => {
    const limit = LIMITS.logsRequestBytes;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -2, max: 2 }), fc.constantFrom('none', 'true', 'short'), fc.boolean(), async (delta, declared, gzip) => {
        const text = JSON.stringify([{ timestamp: Date.now(), level: 'info', message: `limit ${randomUUID()}` }]);
        const padded = text + ' '.repeat(limit + delta - Buffer.byteLength(text));
        const body = gzip ? gzipSync(padded) : Buffer.from(padded);
        const headers: Record<string, string> = { authorization: `Bearer ${INGEST_TOKENS.demo}`, ...(gzip ? { 'content-encoding': 'gzip' } : {}) };
        if (declared !== 'none') headers['content-length'] = String(declared === 'true' ? body.length : 1);
        const status = await attempt(() => post(body, headers), JSON.parse(padded));
        expect(status).toBe(delta <= 0 ? 200 : 413);
      }),
      params(runs(12, 0.05)),
    );
  }, timeoutFor(runs(12, 0.05)));

  it('more records than a request may hold is refused whole; exactly as many is stored whole', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ timestamp: Date.now(), level: 'debug', message: `many ${randomUUID()} ${i}` }));
    const over = many(LIMITS.logsPerRequest + 1);
    expect(await attempt(() => post(over.map((r) => JSON.stringify(r)).join('\n')), over)).toBe(400);
    const at = many(LIMITS.logsPerRequest);
    expect(await attempt(() => post(JSON.stringify(at)), at)).toBe(200);
  }, 60_000);
});

/** What `POST /v1/logs` must answer for these headers and one valid record, plain or gzip, and under which project. */
function expectedStatus(h: Record<string, string | undefined>, gzip: boolean): { status: number; project: string } {
  const trim = (v: string | undefined) => v?.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(trim(h.authorization) ?? '')?.[1];
  const project = token ? (PROJECT_OF.get(token) ?? '') : '';
  const status = (() => {
    if (!token) return 401;
    if (!project) return 403;
    const encoding = (trim(h['content-encoding']) ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return 415;
    const declared = trim(h['content-length']);
    if (declared !== undefined && Number(declared) > LIMITS.logsRequestBytes) return 413;
    if ((encoding === 'gzip') !== gzip) return 400;
    return 200;
  })();
  return { status, project };
}

describe('every refused record is named', () => {
  it('an invalid record among valid ones: 400 invalid_logs with issues pointing into the request', async () => {
    await fc.assert(
      fc.asyncProperty(records.filter((rs) => !BackendLogs.safeParse(JSON.parse(JSON.stringify(rs))).success), async (rs) => {
        const res = await post(JSON.stringify(rs));
        const { status, body } = await expectCleanAnswer(res);
        expect(status).toBe(400);
        const { error, issues } = body as { error: string; issues?: { path: string }[] };
        expect(error).toBe('invalid_logs');
        expect(issues?.length).toBeGreaterThan(0);
        // Each issue's path starts with the index of a record that BackendLog refuses (or is empty for the array itself).
        const parsed = JSON.parse(JSON.stringify(rs)) as unknown[];
        for (const { path } of issues!) {
          const index = Number(path.split('.')[0]);
          if (path === '' || !Number.isInteger(index)) continue;
          expect(BackendLog.safeParse(parsed[index]).success, `issue ${path}`).toBe(false);
        }
      }),
      params(runs(50, 0.25)),
    );
  }, timeoutFor(runs(50, 0.25)));
});
