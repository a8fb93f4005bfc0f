import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, LIMITS } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { createApp } from '../src/app';
import { INGEST_TOKENS, SECRET, TOKENS, auth, countRows, makeBatch, makeEvent, postBatch, tempDir, testConfig } from './helpers';

const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

const good = () => makeEvent('track', { session_id: 's-bad' });
const json = (v: unknown) => JSON.stringify(v);

/** Each case: why, the status and error code expected, and what is sent to POST /v1/batch. */
const batchCases: [string, number, string, { body: string; headers?: Record<string, string> }][] = [
  ['non-JSON body', 400, 'invalid_json', { body: 'not json' }],
  ['empty body', 400, 'invalid_json', { body: '' }],
  ['a JSON string instead of a batch', 400, 'invalid_batch', { body: json('hello') }],
  ['a wrong protocol version', 400, 'invalid_batch', { body: json({ ...makeBatch([good()]), v: 2 }) }],
  ['a non-uuid batch_id', 400, 'invalid_batch', { body: json({ ...makeBatch([good()]), batch_id: 'b1' }) }],
  ['events not an array', 400, 'invalid_batch', { body: json({ ...makeBatch([good()]), events: {} }) }],
  ['no events', 400, 'invalid_batch', { body: json(makeBatch([])) }],
  ['a string ts', 400, 'invalid_batch', { body: json(makeBatch([{ ...good(), ts: 'yesterday' } as never])) }],
  ['an event without project', 400, 'invalid_batch', { body: json(makeBatch([{ ...good(), project: undefined } as never])) }],
  ['an unknown kind', 400, 'invalid_batch', { body: json(makeBatch([{ ...good(), kind: 'bogus' } as never])) }],
  ['one bad event among good ones', 400, 'invalid_batch', { body: json(makeBatch([good(), good(), { ...good(), event_id: 'nope' }])) }],
  ['a nested prop', 400, 'invalid_batch', { body: json(makeBatch([{ ...good(), props: { a: { b: 1 } } } as never])) }],
  ['a Content-Length over the limit', 413, 'payload_too_large', { body: json(makeBatch([good()])), headers: { 'content-length': String(LIMITS.collectorBatchBytes + 1) } }],
  ['a body over the limit (no Content-Length)', 413, 'payload_too_large', { body: json({ ...makeBatch([good()]), pad: 'x'.repeat(LIMITS.collectorBatchBytes) }) }],
  ['no Authorization header', 401, 'unauthorized', { body: json(makeBatch([good()])), headers: { authorization: '' } }],
  ['a Basic Authorization header', 401, 'unauthorized', { body: json(makeBatch([good()])), headers: { authorization: `Basic ${SECRET}` } }],
  ['Bearer without a token', 401, 'unauthorized', { body: json(makeBatch([good()])), headers: { authorization: 'Bearer ' } }],
  ['a wrong secret', 403, 'forbidden', { body: json(makeBatch([good()])), headers: auth('wrong-secret') }],
  ['the secret with a suffix', 403, 'forbidden', { body: json(makeBatch([good()])), headers: auth(`${SECRET}x`) }],
  ['a read token', 403, 'forbidden', { body: json(makeBatch([good()])), headers: auth(TOKENS.demo) }],
  ['an ingest token', 403, 'forbidden', { body: json(makeBatch([good()])), headers: auth(INGEST_TOKENS.demo) }],
  ['an unknown Content-Encoding', 415, 'unsupported_media_type', { body: json(makeBatch([good()])), headers: { 'content-encoding': 'br' } }],
];

/** Each case: why, the status and error code expected, and the query and headers sent to GET /v1/timeline. */
const timelineCases: [string, number, string, { query: string; headers?: Record<string, string> }][] = [
  ['no IDs', 400, 'invalid_query', { query: '' }],
  ['only a limit', 400, 'invalid_query', { query: 'limit=5' }],
  ['two different IDs', 400, 'invalid_query', { query: 'session_id=s-bad&request_id=r1' }],
  ['the same ID twice', 400, 'invalid_query', { query: 'session_id=a&session_id=b' }],
  ['an empty ID', 400, 'invalid_query', { query: 'session_id=' }],
  ['an over-long ID', 400, 'invalid_query', { query: `session_id=${'x'.repeat(LIMITS.id + 1)}` }],
  ['a misspelt key beside an ID', 400, 'invalid_query', { query: 'session_id=s-bad&limt=5' }],
  ['only a misspelt ID key', 400, 'invalid_query', { query: 'sesion_id=s-bad' }],
  ['a __proto__ key', 400, 'invalid_query', { query: 'session_id=s-bad&__proto__=x' }],
  ['limit 0', 400, 'invalid_query', { query: 'session_id=s-bad&limit=0' }],
  ['a non-numeric limit', 400, 'invalid_query', { query: 'session_id=s-bad&limit=ten' }],
  ['a limit over the maximum', 400, 'invalid_query', { query: 'session_id=s-bad&limit=10001' }],
  ['no Authorization header', 401, 'unauthorized', { query: 'session_id=s-bad', headers: {} }],
  ['a malformed Authorization header', 401, 'unauthorized', { query: 'session_id=s-bad', headers: { authorization: TOKENS.demo } }],
  ['an unknown read token', 403, 'forbidden', { query: 'session_id=s-bad', headers: auth('rt_nope') }],
  ['the collector secret', 403, 'forbidden', { query: 'session_id=s-bad', headers: auth(SECRET) }],
];

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = ErrorResponse.parse(await res.json());
  expect(body.error).toBe(error);
  expect(body.reason.length).toBeGreaterThan(5);
  return body;
}

async function expectNothingStored() {
  await collector.batcher.flush();
  expect(await countRows(collector.storage)).toBe(0);
}

describe('POST /v1/batch refuses bad input whole', () => {
  it.each(batchCases)('%s → %i %s', async (_why, status, error, req) => {
    const headers = { ...auth(SECRET), ...req.headers };
    if (headers.authorization === '') delete (headers as Record<string, string>).authorization;
    const body = await expectError(await postBatch(collector.app, req.body, headers), status, error);
    if (error === 'invalid_batch') expect(body.issues?.length).toBeGreaterThan(0);
    if (status === 401) expect(body.reason).toMatch(/Authorization/);
    await expectNothingStored();
  });

  it('names the bad event in the reason', async () => {
    const res = await postBatch(collector.app, makeBatch([good(), { ...good(), event_id: 'nope' }]));
    const body = await expectError(res, 400, 'invalid_batch');
    expect(body.issues?.some((i) => i.path === 'events.1.event_id')).toBe(true);
    expect(body.reason).toContain('events.1.event_id');
  });
});

describe('GET /v1/timeline refuses bad input', () => {
  it.each(timelineCases)('%s → %i %s', async (_why, status, error, req) => {
    const res = await collector.app.request(`/v1/timeline?${req.query}`, { headers: req.headers ?? auth(TOKENS.demo) });
    await expectError(res, status, error);
    await expectNothingStored();
  });
});

describe('other routes', () => {
  it('answers /health', async () => {
    const res = await collector.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/v1/batch'],
    ['DELETE', '/v1/timeline'],
  ])('%s %s → 404 ErrorResponse', async (method, path) => {
    await expectError(await collector.app.request(path, { method }), 404, 'not_found');
  });
});

describe('unexpected errors', () => {
  it('answer 500 in the ErrorResponse shape, without internals', async () => {
    const app = createApp({
      collectorSecret: SECRET,
      readTokens: new Map([['rt', 'demo']]),
      ingest: collector.ingest,
      probe: async () => ({ reachable: true }),
      timeline: async () => {
        throw new Error('select failed: secret internals');
      },
    });
    const res = await app.request('/v1/timeline?session_id=s1', { headers: auth('rt') });
    const body = await expectError(res, 500, 'internal');
    expect(body.reason).not.toContain('secret internals');
  });
});

describe('control', () => {
  it('stores a valid batch, so the "nothing stored" checks above can fail', async () => {
    const res = await postBatch(collector.app, makeBatch([good(), good()]));
    expect(res.status).toBe(200);
    expect(await countRows(collector.storage)).toBe(2);
  });
});
