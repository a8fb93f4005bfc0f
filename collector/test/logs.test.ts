import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, LIMITS, LogsAck, TimelineResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { INGEST_TOKENS, SECRET, TOKENS, auth, countEvents, tempDir, testConfig } from './helpers';

const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

function postLogs(body: string | Buffer, headers: Record<string, string> = auth(INGEST_TOKENS.demo)) {
  return collector.app.request('/v1/logs', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const record = (extra: Record<string, unknown> = {}) => ({ timestamp: Date.now() - 1000, level: 'info', message: 'order paid', service: 'orders', ...extra });
const json = (v: unknown) => JSON.stringify(v);

async function timeline(query: string, token: string = TOKENS.demo) {
  const res = await collector.app.request(`/v1/timeline?${query}`, { headers: auth(token) });
  expect(res.status).toBe(200);
  return TimelineResponse.parse(await res.json());
}

/** Each case: why, the status and error code, the body and headers sent. */
const bad: [string, number, string, { body: string | Buffer; headers?: Record<string, string> }][] = [
  ['no Authorization header', 401, 'unauthorized', { body: json([record()]), headers: { authorization: '' } }],
  ['an unknown ingest token', 403, 'forbidden', { body: json([record()]), headers: auth('it_nope') }],
  ['a read token', 403, 'forbidden', { body: json([record()]), headers: auth(TOKENS.demo) }],
  ['the collector secret', 403, 'forbidden', { body: json([record()]), headers: auth(SECRET) }],
  ['a body that is not JSON', 400, 'invalid_json', { body: '[{"timestamp":' }],
  ['an empty body', 400, 'invalid_json', { body: '' }],
  ['a JSON line that is not JSON', 400, 'invalid_json', { body: `${json(record())}\n{oops}\n` }],
  ['an empty array', 400, 'invalid_logs', { body: '[]' }],
  ['a record without level', 400, 'invalid_logs', { body: json([record({ level: undefined })]) }],
  ['an unknown level', 400, 'invalid_logs', { body: json([record({ level: 'loud' })]) }],
  ['a timestamp that is not a time', 400, 'invalid_logs', { body: json([record({ timestamp: 'yesterday' })]) }],
  ['a negative timestamp', 400, 'invalid_logs', { body: json([record({ timestamp: -5 })]) }],
  ['a message over the limit', 400, 'invalid_logs', { body: json([record({ message: 'x'.repeat(LIMITS.message + 1) })]) }],
  ['a nested attribute', 400, 'invalid_logs', { body: json([record({ attributes: { a: { b: 1 } } })]) }],
  ['a forbidden attribute key', 400, 'invalid_logs', { body: '[{"timestamp":1,"level":"info","message":"m","attributes":{"__proto__":1}}]' }],
  ['an upper-case trace ID', 400, 'invalid_logs', { body: json([record({ trace_id: 'A'.repeat(32) })]) }],
  ['a malformed event_id', 400, 'invalid_logs', { body: json([record({ event_id: 'e1' })]) }],
  ['a JSON string instead of records', 400, 'invalid_logs', { body: json('hello') }],
  ['an array inside the array', 400, 'invalid_logs', { body: json([[record()]]) }],
  ['one bad record among good ones', 400, 'invalid_logs', { body: json([record(), record(), record({ level: 'nope' })]) }],
  ['more records than allowed', 400, 'invalid_logs', { body: json(Array.from({ length: LIMITS.logsPerRequest + 1 }, () => ({ timestamp: 1, level: 'info', message: '' }))) }],
  ['a body over the limit', 413, 'payload_too_large', { body: json([record({ message: 'x'.repeat(LIMITS.logsRequestBytes) })]) }],
  ['a gzip body that expands over the limit', 413, 'payload_too_large', { body: gzipSync(' '.repeat(LIMITS.logsRequestBytes + 10) + '[]'), headers: { 'content-encoding': 'gzip' } }],
  ['an unknown Content-Encoding', 415, 'unsupported_media_type', { body: json([record()]), headers: { 'content-encoding': 'br' } }],
];

describe('POST /v1/logs refuses bad input whole', () => {
  it.each(bad)('%s → %i %s', async (_why, status, error, req) => {
    const before = await countEvents(collector.storage, { kind: 'log' });
    const headers = { ...auth(INGEST_TOKENS.demo), ...req.headers };
    if (headers.authorization === '') delete (headers as Record<string, string>).authorization;
    const res = await postLogs(req.body, headers);
    expect(res.status).toBe(status);
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toBe(error);
    if (error === 'invalid_logs') expect(body.issues?.length).toBeGreaterThan(0);
    await collector.ingest.flush();
    expect(await countEvents(collector.storage, { kind: 'log' })).toBe(before);
  });

  it('names the bad record and field', async () => {
    const res = await postLogs(json([record(), record({ timestamp: 'noon' })]));
    const body = ErrorResponse.parse(await res.json());
    expect(body.issues?.some((i) => i.path === '1.timestamp')).toBe(true);
  });

  it('names the line that is not JSON', async () => {
    const res = await postLogs(`${json(record())}\n\n${json(record())}\nnot json\n`);
    expect(ErrorResponse.parse(await res.json()).reason).toMatch(/line 4 is not JSON/);
  });
});

describe('POST /v1/logs stores backend logs as log events', () => {
  it('takes a JSON array and joins it to the timeline by request, trace, session, user and order', async () => {
    const request = `r-${randomUUID()}`;
    const trace = randomUUID().replaceAll('-', '');
    const given = randomUUID();
    const t = Date.now() - 5000;
    const res = await postLogs(
      json([
        record({ timestamp: t, request_id: request, trace_id: trace, session_id: 's-log', user_id: 'u-log', order_id: 'o-log', release: '1.2.3', environment: 'prod', url: '/api/pay', attributes: { gateway: 'stripe-sim', amount: 24, ok: true, note: null } }),
        record({ timestamp: new Date(t + 1).toISOString(), level: 'error', message: 'gateway timed out', request_id: request, event_id: given }),
      ]),
    );
    expect(res.status).toBe(200);
    expect(LogsAck.parse(await res.json())).toEqual({ stored: 2 });

    const events = (await timeline(`request_id=${request}`)).events;
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      kind: 'log',
      event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      ts: t,
      level: 'info',
      message: 'order paid',
      service: 'orders',
      request_id: request,
      trace_id: trace,
      session_id: 's-log',
      user_id: 'u-log',
      order_id: 'o-log',
      release: '1.2.3',
      environment: 'prod',
      url: '/api/pay',
      props: { gateway: 'stripe-sim', amount: 24, ok: true, note: null },
      project: 'demo',
      received_at: expect.any(Number),
    });
    expect(events[1]).toMatchObject({ event_id: given, ts: t + 1, level: 'error', message: 'gateway timed out' });
    for (const q of [`trace_id=${trace}`, 'session_id=s-log', 'user_id=u-log', 'order_id=o-log']) {
      expect((await timeline(q)).events.map((e) => e.event_id)).toContain(events[0]!.event_id);
    }
  });

  it('takes JSON lines and gzip, and stores under the token’s project', async () => {
    const request = `r-${randomUUID()}`;
    const lines = `${json(record({ request_id: request }))}\n\n${json(record({ request_id: request, message: 'second' }))}\n`;
    const res = await postLogs(gzipSync(lines), { ...auth(INGEST_TOKENS.other), 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(LogsAck.parse(await res.json())).toEqual({ stored: 2 });
    expect((await timeline(`request_id=${request}`, TOKENS.other)).events.map((e) => e.project)).toEqual(['other', 'other']);
    expect((await timeline(`request_id=${request}`, TOKENS.demo)).events).toEqual([]);
  });

  it('stores a re-sent record once: IDs derive from project and content, whatever the key order', async () => {
    const request = `r-${randomUUID()}`;
    const t = Date.now() - 2000;
    const a = { timestamp: t, level: 'warn', message: 'retrying gateway', request_id: request, attributes: { attempt: 2, gateway: 'adyen-sim' } };
    const reordered = { attributes: { gateway: 'adyen-sim', attempt: 2 }, request_id: request, message: 'retrying gateway', level: 'warn', timestamp: t };
    for (const body of [[a], [a], [reordered]]) expect((await postLogs(json(body))).status).toBe(200);
    expect(await countEvents(collector.storage, { request_id: request })).toBe(1);
    // The same content under another project is another event.
    expect((await postLogs(json([a]), auth(INGEST_TOKENS.other))).status).toBe(200);
    expect(await countEvents(collector.storage, { request_id: request })).toBe(2);
    // A different time is a different record.
    expect((await postLogs(json([{ ...a, timestamp: t + 1 }]))).status).toBe(200);
    expect(await countEvents(collector.storage, { request_id: request })).toBe(3);
  });

  it('stores a record from a clock stuck in 1970 at its arrival, keeping the original in client_ts', async () => {
    const request = `r-${randomUUID()}`;
    const before = Date.now();
    expect((await postLogs(json([record({ timestamp: 12_345, request_id: request })]))).status).toBe(200);
    const [e] = (await timeline(`request_id=${request}`)).events;
    expect(e!.ts).toBeGreaterThanOrEqual(before);
    expect(e!.ts).toBe(e!.received_at);
    const rs = await collector.storage.client.query({
      query: `SELECT client_ts FROM ${collector.storage.database}.events WHERE request_id = {r:String}`,
      query_params: { r: request },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ client_ts: number | string }>()).map((r) => Number(r.client_ts))).toEqual([12_345]);
  });
});
