import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectorBatch, ErrorResponse, IngestResponse, LIMITS, PROTOCOL_VERSION } from '@lifeline/protocol';
import worker, { app } from '../../src/index';
import { splitForQueue, QUEUE_MESSAGE_BYTES } from '../../src/forward/queue';
import { collectorStub, event, hugeError, postEvents, sdkBatch, type CollectorStep } from '../helpers';

afterEach(() => vi.restoreAllMocks());

function collectorBatch(): CollectorBatch {
  return {
    v: PROTOCOL_VERSION,
    batch_id: crypto.randomUUID(),
    events: [{ ...event(), kind: 'track', name: 'x', project: 'demo', received_at: 1 }],
  };
}

describe('with LIFELINE_QUEUE bound', () => {
  it('puts a batch on the queue, answers 202, and the consumer forwards it to the collector', async () => {
    const { calls } = collectorStub([200]);
    const events = [event('pageview'), event('track')];
    const res = await postEvents(sdkBatch(events), { headers: { 'User-Agent': 'QueueTest/1.0' } });

    expect(res.status).toBe(202);
    expect(IngestResponse.parse(await res.json())).toEqual({ accepted: 2, rejected: [] });
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000, interval: 50 });

    const batch = CollectorBatch.parse(calls[0]!.body);
    expect(calls[0]!.authorization).toBe('Bearer dev-collector-secret');
    expect(batch.events.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(batch.events.every((e) => e.project === 'demo' && e.user_agent === 'QueueTest/1.0')).toBe(true);
  });

  it('splits a batch too large for one queue message, keeping every event_id', async () => {
    const { calls } = collectorStub([200]);
    const pad = 'p'.repeat(LIMITS.propValue);
    const events = Array.from({ length: 200 }, () => event('track', { props: { a: pad } }));
    const res = await postEvents(sdkBatch(events));
    expect(res.status).toBe(202);

    await vi.waitFor(() => expect(calls.flatMap((c) => c.body.events)).toHaveLength(200), { timeout: 10_000, interval: 50 });
    expect(calls.length).toBeGreaterThan(1);
    const forwarded = calls.flatMap((c) => c.body.events.map((e) => e.event_id)).sort();
    expect(forwarded).toEqual(events.map((e) => e.event_id).sort());
  });

  it('rejects, by index, an event larger than a queue message and accepts the rest', async () => {
    collectorStub([200]);
    const res = await postEvents(sdkBatch([event(), hugeError()]));
    expect(res.status).toBe(202);
    const answer = IngestResponse.parse(await res.json());
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/^event is \d+ bytes; at most 110000 bytes/) }]);
  });

  it('answers 503 with Retry-After when the queue refuses the batch', async () => {
    const failing = { send: async () => Promise.reject(new Error('queue down')), sendBatch: async () => Promise.reject(new Error('queue down')) };
    const res = await app.request(
      '/v1/events',
      { method: 'POST', body: JSON.stringify(sdkBatch([event()])), headers: { 'Content-Type': 'text/plain' } },
      { ...env, LIFELINE_QUEUE: failing },
    );
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(ErrorResponse.parse(await res.json()).error).toBe('collector_unavailable');
  });
});

describe('the queue consumer', () => {
  async function consume(step: CollectorStep, body: unknown = collectorBatch(), attempts = 1) {
    const { calls } = collectorStub([step]);
    const batch = createMessageBatch('lifeline-batches', [{ id: 'm1', timestamp: new Date(), attempts, body }]);
    const retry = vi.spyOn(batch.messages[0]!, 'retry');
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    return { calls, result, delays: retry.mock.calls.map((c) => c[0]?.delaySeconds) };
  }

  it.each([
    { label: 'a 2xx', step: 200 as CollectorStep, acked: true, delay: undefined },
    { label: 'a 500', step: 500 as CollectorStep, acked: false, delay: 5 },
    { label: 'a network error', step: 'network-error' as CollectorStep, acked: false, delay: 5 },
    { label: 'a 429 with Retry-After: 42', step: { status: 429, headers: { 'Retry-After': '42' } } as CollectorStep, acked: false, delay: 42 },
    { label: 'a 401 (secret refused)', step: 401 as CollectorStep, acked: false, delay: 300 },
    { label: 'a 400 (batch refused for good)', step: 400 as CollectorStep, acked: true, delay: undefined },
  ])('$label from the collector → acked=$acked, retry delay $delay s', async ({ step, acked, delay }) => {
    const { calls, result, delays } = await consume(step);
    expect(calls).toHaveLength(1);
    expect(result.explicitAcks).toEqual(acked ? ['m1'] : []);
    expect(result.retryMessages).toEqual(acked ? [] : [{ msgId: 'm1' }]);
    expect(delays[0]).toBe(delay);
  });

  it('backs off further on later deliveries', async () => {
    const { delays } = await consume(503, collectorBatch(), 4);
    expect(delays).toEqual([40]);
  });

  it('forwards the message body unchanged', async () => {
    const body = collectorBatch();
    const { calls } = await consume(200, body);
    expect(calls[0]!.body).toEqual(body);
  });

  it('acks and drops a malformed message without calling the collector', async () => {
    const { calls, result } = await consume(200, { not: 'a batch' });
    expect(calls).toHaveLength(0);
    expect(result.explicitAcks).toEqual(['m1']);
  });
});

describe('splitForQueue', () => {
  it('keeps a small batch whole, with its batch_id', () => {
    const batch = collectorBatch();
    expect(splitForQueue(batch)).toEqual([batch]);
  });

  it('splits a large batch into parts under the message budget', () => {
    const batch = collectorBatch();
    const one = batch.events[0]!;
    batch.events = Array.from({ length: 300 }, () => ({ ...one, event_id: crypto.randomUUID(), url: 'u'.repeat(1000) }));
    const parts = splitForQueue(batch);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(new TextEncoder().encode(JSON.stringify(part)).byteLength).toBeLessThanOrEqual(QUEUE_MESSAGE_BYTES);
    expect(new Set(parts.map((p) => p.batch_id)).size).toBe(parts.length);
    expect(parts.flatMap((p) => p.events)).toEqual(batch.events);
  });
});
