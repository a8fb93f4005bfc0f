import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectorBatch, ErrorResponse, IngestResponse, LIMITS } from '@lifeline/protocol';
import { collectorStub, event, KEY, postEvents, sdkBatch } from './helpers';

afterEach(() => vi.restoreAllMocks());

const big = (bytes: number) => JSON.stringify(sdkBatch([event('track', { props: { pad: 'x'.repeat(1000) } })])).padEnd(bytes, ' ');

describe('POST /v1/events refuses bad input and forwards nothing', () => {
  interface BadCase {
    label: string;
    body: unknown;
    query?: string;
    headers?: Record<string, string>;
    status: number;
    error: string;
  }
  const batchWith = (extra: Record<string, unknown>) => sdkBatch([event()], extra);

  it.each<BadCase>([
    { label: 'not JSON', body: 'this is not json', status: 400, error: 'invalid_json' },
    { label: 'a JSON array', body: '[1,2]', status: 400, error: 'invalid_batch' },
    { label: 'events of the wrong type', body: batchWith({ events: 'nope' }), status: 400, error: 'invalid_batch' },
    { label: 'a key of the wrong type', body: batchWith({ key: 42 }), status: 400, error: 'invalid_batch' },
    { label: 'a missing key', body: batchWith({ key: undefined }), status: 401, error: 'missing_key' },
    { label: 'an empty key', body: batchWith({ key: '' }), status: 401, error: 'missing_key' },
    { label: 'an unknown key', body: batchWith({ key: 'pk_nope' }), status: 403, error: 'unknown_key' },
    { label: 'an unknown ?key= and no body key', body: batchWith({ key: undefined }), query: '?key=pk_nope', status: 403, error: 'unknown_key' },
    { label: 'the wrong protocol version', body: batchWith({ v: 2 }), status: 400, error: 'invalid_batch' },
    { label: 'a string protocol version', body: batchWith({ v: '1' }), status: 400, error: 'invalid_batch' },
    { label: 'zero events', body: sdkBatch([]), status: 400, error: 'invalid_batch' },
    { label: 'more events than allowed', body: sdkBatch(Array.from({ length: LIMITS.sdkBatchEvents + 1 }, () => event())), status: 400, error: 'invalid_batch' },
    { label: 'a body over the limit by Content-Length', body: big(LIMITS.sdkBatchBytes + 1), status: 413, error: 'payload_too_large' },
    { label: 'a streamed body over the limit, no Content-Length', body: 'stream', status: 413, error: 'payload_too_large' },
    { label: 'an unsupported media type', body: sdkBatch([event()]), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
    { label: 'a body that is not UTF-8', body: 'bytes', status: 400, error: 'invalid_encoding' },
  ])('$label → $status $error', async ({ body, query, headers, status, error }) => {
    const { calls } = collectorStub();
    let payload = body;
    if (body === 'stream') payload = new Blob([big(LIMITS.sdkBatchBytes + 64 * 1024)]).stream();
    if (body === 'bytes') payload = new Blob([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]).stream();

    const res = await postEvents(payload, { ...(query ? { query } : {}), ...(headers ? { headers } : {}) });
    expect(res.status).toBe(status);
    const answer = ErrorResponse.parse(await res.json());
    expect(answer.error).toBe(error);
    expect(answer.reason.length).toBeGreaterThan(0);
    expect(calls).toHaveLength(0);
  });

  it('lists the failing fields of an invalid envelope', async () => {
    collectorStub();
    const res = await postEvents(sdkBatch([event()], { v: 2, sdk: { name: 3 } }));
    const answer = ErrorResponse.parse(await res.json());
    expect(answer.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['v', 'sdk.name']));
  });

  it('never echoes the key in an error', async () => {
    collectorStub();
    const res = await postEvents(sdkBatch([event()], { key: 'pk_secret_looking_value' }));
    expect(await res.text()).not.toContain('pk_secret_looking_value');
  });

  it('answers 400 with every index when all events are rejected, forwarding nothing', async () => {
    const { calls } = collectorStub();
    const res = await postEvents(sdkBatch([{ kind: 'track' }, event('track', { event_id: 'nope' }), 'x']));
    expect(res.status).toBe(400);
    const answer = ErrorResponse.parse(await res.json());
    expect(answer.error).toBe('no_valid_events');
    expect(answer.issues?.map((i) => i.path)).toEqual(['events.0', 'events.1', 'events.2']);
    expect(answer.issues?.[1]?.message).toContain('event_id');
    expect(calls).toHaveLength(0);
  });
});

describe('POST /v1/events forwards valid events', () => {
  it('answers 202 and forwards the enriched events with their event_ids', async () => {
    const { calls } = collectorStub([200]);
    const events = [event('pageview'), event('track'), event('error'), event('vital')];
    const before = Date.now();
    const res = await postEvents(sdkBatch(events), {
      headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0' },
      cf: { country: 'DE' },
    });
    const after = Date.now();

    expect(res.status).toBe(202);
    expect(IngestResponse.parse(await res.json())).toEqual({ accepted: 4, rejected: [] });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.url).toBe('http://127.0.0.1:4000/v1/batch');
    expect(call.authorization).toBe('Bearer dev-collector-secret');
    expect(call.contentType).toBe('application/json');

    const batch = CollectorBatch.parse(call.body);
    expect(batch.events.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    for (const e of batch.events) {
      expect(e.project).toBe('demo');
      expect(e.country).toBe('DE');
      expect(e.user_agent).toBe('Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0');
      expect(e.received_at).toBeGreaterThanOrEqual(before);
      expect(e.received_at).toBeLessThanOrEqual(after);
    }
  });

  it('takes the key from ?key= when the body has none', async () => {
    const { calls } = collectorStub([200]);
    const res = await postEvents(sdkBatch([event()], { key: undefined }), { query: `?key=${KEY}` });
    expect(res.status).toBe(202);
    expect(calls[0]?.body.events[0]?.project).toBe('demo');
  });

  it('accepts application/json as well as text/plain', async () => {
    collectorStub([200]);
    const res = await postEvents(sdkBatch([event()]), { headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(202);
  });

  it('truncates a long User-Agent and ignores enrichment fields sent by the client', async () => {
    const { calls } = collectorStub([200]);
    const res = await postEvents(sdkBatch([event('track', { project: 'someone-else', received_at: 1 })]), {
      headers: { 'User-Agent': 'U'.repeat(LIMITS.url + 500) },
    });
    expect(res.status).toBe(202);
    const forwarded = calls[0]!.body.events[0]!;
    expect(forwarded.user_agent).toHaveLength(LIMITS.url);
    expect(forwarded.project).toBe('demo');
    expect(forwarded.received_at).not.toBe(1);
  });

  it('rejects a bad event by index and forwards the good ones', async () => {
    const { calls } = collectorStub([200]);
    const good = [event('pageview'), event('track')];
    const res = await postEvents(sdkBatch([good[0], { ...event('vital'), name: 'NOPE' }, good[1]]));
    expect(res.status).toBe(202);
    const answer = IngestResponse.parse(await res.json());
    expect(answer.accepted).toBe(2);
    expect(answer.rejected).toHaveLength(1);
    expect(answer.rejected[0]?.index).toBe(1);
    expect(answer.rejected[0]?.reason).toContain('name');
    expect(calls[0]?.body.events.map((e) => e.event_id)).toEqual(good.map((e) => e.event_id));
  });

  it('accepts a batch of exactly the size limit', async () => {
    collectorStub([200]);
    const res = await postEvents(big(LIMITS.sdkBatchBytes));
    expect(res.status).toBe(202);
  });
});
