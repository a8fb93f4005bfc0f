import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse, IngestResponse, LIMITS, PROTOCOL_VERSION, type CollectorBatch } from '@lifeline/protocol';
import { parseConfig } from '../src/config';
import { forwardOverHttp } from '../src/forward/http';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../src/forward/retry';
import { collectorStub, event, hugeError, postEvents, sdkBatch } from './helpers';

afterEach(() => vi.restoreAllMocks());

describe('forwarding through the worker', () => {
  it('retries a failing collector and answers 202 once it acknowledges, with the same batch each time', async () => {
    const { calls } = collectorStub([500, 503, 200]);
    const events = [event(), event('pageview')];
    const res = await postEvents(sdkBatch(events));

    expect(res.status).toBe(202);
    expect(IngestResponse.parse(await res.json()).accepted).toBe(2);
    expect(calls).toHaveLength(3);
    const ids = new Set(calls.map((c) => c.body.batch_id));
    expect(ids.size).toBe(1);
    for (const call of calls) expect(call.body.events.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(calls[0]!.body).toEqual(calls[2]!.body);
  });

  it('refuses, by index, an event over LIMITS.eventBytes as the queue path does, and forwards the rest', async () => {
    const { calls } = collectorStub([200]);
    const small = event();
    const res = await postEvents(sdkBatch([hugeError(), small]));
    expect(res.status).toBe(202);
    expect(IngestResponse.parse(await res.json())).toEqual({
      accepted: 1,
      rejected: [{ index: 0, reason: expect.stringMatching(new RegExp(`^event is \\d+ bytes; at most ${LIMITS.eventBytes} bytes`)) }],
    });
    expect(calls.flatMap((c) => c.body.events.map((e) => e.event_id))).toEqual([small.event_id]);
  });

  it('retries a network error', async () => {
    const { calls } = collectorStub(['network-error', 200]);
    const res = await postEvents(sdkBatch([event()]));
    expect(res.status).toBe(202);
    expect(calls).toHaveLength(2);
  });

  it('answers 503 with Retry-After when the collector stays down', async () => {
    const { calls } = collectorStub([500]);
    const res = await postEvents(sdkBatch([event()]));

    expect(res.status).toBe(503);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    const answer = ErrorResponse.parse(await res.json());
    expect(answer.error).toBe('collector_unavailable');
    expect(answer.reason).toContain('retry later');
    expect(calls).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
  });

  it('honours a short Retry-After from the collector', async () => {
    const { calls } = collectorStub([{ status: 429, headers: { 'Retry-After': '1' } }, 200]);
    const started = Date.now();
    const res = await postEvents(sdkBatch([event()]));
    expect(res.status).toBe(202);
    expect(calls).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('passes a Retry-After longer than its budget on to the SDK instead of waiting', async () => {
    const { calls } = collectorStub([{ status: 503, headers: { 'Retry-After': '30' } }]);
    const res = await postEvents(sdkBatch([event()]));
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('30');
    expect(calls).toHaveLength(1);
  });

  it.each([
    { label: '400 (batch refused)', status: 400, answer: 502, error: 'collector_rejected', tries: 1 },
    { label: '413 (batch too large)', status: 413, answer: 502, error: 'collector_rejected', tries: 1 },
    { label: '401 (secret refused)', status: 401, answer: 503, error: 'collector_unavailable', tries: 1 },
  ])('a collector $label → $answer $error without retrying', async ({ status, answer, error, tries }) => {
    const { calls } = collectorStub([status]);
    const res = await postEvents(sdkBatch([event()]));
    expect(res.status).toBe(answer);
    const body = ErrorResponse.parse(await res.json());
    expect(body.error).toBe(error);
    expect(body.reason).toContain(`collector answered ${status}`);
    expect(calls).toHaveLength(tries);
    expect(res.headers.has('Retry-After')).toBe(answer === 503);
  });

  it('never puts the collector secret in an answer', async () => {
    collectorStub([401]);
    const res = await postEvents(sdkBatch([event()]));
    expect(await res.text()).not.toContain('dev-collector-secret');
  });
});

describe('forwardOverHttp', () => {
  const config = parseConfig({
    LIFELINE_KEYS: 'pk:p',
    LIFELINE_COLLECTOR_URL: 'http://collector.test/',
    LIFELINE_COLLECTOR_SECRET: 's3cret',
    LIFELINE_ALLOWED_ORIGINS: '*',
    LIFELINE_FEATURES: 'checkout',
  });
  const batch: CollectorBatch = {
    v: PROTOCOL_VERSION,
    batch_id: crypto.randomUUID(),
    events: [{ ...event(), kind: 'track', name: 'x', project: 'p', received_at: 1 }],
  };

  function scripted(statuses: Array<number | Error>) {
    const bodies: string[] = [];
    const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(String(init?.body));
      const next = statuses[Math.min(bodies.length, statuses.length) - 1]!;
      if (next instanceof Error) throw next;
      return new Response(null, { status: next });
    });
    return { fetch: fetch as unknown as typeof globalThis.fetch, bodies };
  }

  it('backs off exponentially with jitter and sends identical bytes', async () => {
    const { fetch, bodies } = scripted([503, 503, 503, 200]);
    const waits: number[] = [];
    const result = await forwardOverHttp(batch, { config, fetch, random: () => 1, sleep: async (ms) => void waits.push(ms) });
    expect(result).toEqual({ ok: true, attempts: 4 });
    expect(waits).toEqual([200, 400, 800]);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual(batch);
  });

  it('stops when the sleep budget would be exceeded', async () => {
    const { fetch, bodies } = scripted([503]);
    const policy = { ...DEFAULT_RETRY_POLICY, attempts: 10, sleepBudgetMs: 500 };
    const result = await forwardOverHttp(batch, { config, fetch, policy, random: () => 1, sleep: async () => {} });
    expect(result).toMatchObject({ ok: false, kind: 'unavailable', retryAfterSeconds: 10 });
    expect(bodies).toHaveLength(2);
  });

  it('reports a timeout as retryable', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const { fetch, bodies } = scripted([timeout, 200]);
    const result = await forwardOverHttp(batch, { config, fetch, sleep: async () => {} });
    expect(result).toEqual({ ok: true, attempts: 2 });
    expect(bodies).toHaveLength(2);
  });
});

describe('retry helpers', () => {
  it.each([
    { attempt: 1, random: 0, expected: 100 },
    { attempt: 1, random: 1, expected: 200 },
    { attempt: 2, random: 0.5, expected: 300 },
    { attempt: 3, random: 1, expected: 800 },
    { attempt: 6, random: 1, expected: 1000 },
  ])('backoffDelay($attempt, random=$random) = $expected', ({ attempt, random, expected }) => {
    expect(backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => random)).toBe(expected);
  });

  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    { header: null, expected: undefined },
    { header: '3', expected: 3000 },
    { header: ' 0 ', expected: 0 },
    { header: 'Thu, 01 Jan 2026 00:00:05 GMT', expected: 5000 },
    { header: 'Wed, 31 Dec 2025 23:59:00 GMT', expected: 0 },
    { header: 'soon', expected: undefined },
  ])('parseRetryAfter($header) = $expected', ({ header, expected }) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
