import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorResponse, LIMITS } from '@lifeline/protocol';
import { parseConfig } from '../../src/config';
import { app } from '../../src/index';
import { clientId } from '../../src/rate/clientId';
import { createTokenBuckets } from '../../src/rate/tokenBuckets';
import { collectorStub, event, ORIGIN, sdkBatch } from '../helpers';

afterEach(() => vi.restoreAllMocks());

describe('token buckets', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('lets a burst through, then refuses with the wait until a token is back', () => {
    const c = clock();
    const buckets = createTokenBuckets({ perSecond: 2, burst: 3, now: c.now });
    expect([1, 2, 3].map(() => buckets.take('a').ok)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    c.advance(499);
    expect(buckets.take('a').ok).toBe(false);
    c.advance(1);
    expect(buckets.take('a').ok).toBe(true);
  });

  it('spends the cost asked for, and says how long a large cost must wait', () => {
    const c = clock();
    const buckets = createTokenBuckets({ perSecond: 100, burst: 1000, now: c.now });
    expect(buckets.take('k', 900).ok).toBe(true);
    expect(buckets.take('k', 500)).toEqual({ ok: false, retryAfterSeconds: 4 });
    c.advance(4000);
    expect(buckets.take('k', 500).ok).toBe(true);
  });

  it('caps a cost at the burst, so a single large batch is never refused forever', () => {
    const buckets = createTokenBuckets({ perSecond: 1, burst: 10, now: () => 0 });
    expect(buckets.take('k', 50).ok).toBe(true);
  });

  it('keeps ids apart', () => {
    const buckets = createTokenBuckets({ perSecond: 1, burst: 1, now: () => 0 });
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('b').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });

  it('never holds more than maxBuckets, forgetting the least recently used', () => {
    const buckets = createTokenBuckets({ perSecond: 1, burst: 1, maxBuckets: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c']) buckets.take(id);
    buckets.take('a');
    buckets.take('d');
    expect(buckets.size).toBe(3);
    // `b` was forgotten (full again); `a` was used recently and is still empty.
    expect(buckets.take('b').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });
});

describe('clientId', () => {
  const request = (headers: Record<string, string>) => new Request('http://edge.test/', { headers });

  it('is a digest: the IP is nowhere in it', async () => {
    const id = await clientId(request({ 'CF-Connecting-IP': '203.0.113.7', 'User-Agent': 'UA' }));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id).not.toContain('203');
  });

  it('tells clients apart by IP and by User-Agent', async () => {
    const ids = await Promise.all([
      clientId(request({ 'CF-Connecting-IP': '203.0.113.7', 'User-Agent': 'A' })),
      clientId(request({ 'CF-Connecting-IP': '203.0.113.8', 'User-Agent': 'A' })),
      clientId(request({ 'CF-Connecting-IP': '203.0.113.7', 'User-Agent': 'B' })),
      clientId(request({ 'CF-Connecting-IP': '203.0.113.7', 'User-Agent': 'A' })),
    ]);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    expect(ids[3]).toBe(ids[0]);
  });
});

describe('LIFELINE_RATE_KEY and LIFELINE_RATE_CLIENT', () => {
  const base = { ...env, LIFELINE_RATE_KEY: undefined, LIFELINE_RATE_CLIENT: undefined };

  it('default to the documented limits when unset', () => {
    const config = parseConfig(base);
    expect(config.rateKey).toEqual({ perSecond: 1000, burst: 10_000 });
    expect(config.rateClient).toEqual({ perSecond: 20, burst: 200 });
  });

  it.each([
    { value: '50:500', expected: { perSecond: 50, burst: 500 } },
    { value: ' 0.5:600 ', expected: { perSecond: 0.5, burst: 600 } },
    { value: 'off', expected: undefined },
    { value: 'OFF', expected: undefined },
  ])('parse "$value"', ({ value, expected }) => {
    expect(parseConfig({ ...base, LIFELINE_RATE_KEY: value }).rateKey).toEqual(expected);
  });

  it.each(['50', '0:500', '50:0', '-1:500', 'x:y', '50:500:1', '1e3:500'])('refuse "%s", naming the var', (value) => {
    expect(() => parseConfig({ ...base, LIFELINE_RATE_CLIENT: value })).toThrow('LIFELINE_RATE_CLIENT');
  });

  it('refuse a per-key burst smaller than a full SDK batch', () => {
    expect(() => parseConfig({ ...base, LIFELINE_RATE_KEY: `10:${LIMITS.sdkBatchEvents - 1}` })).toThrow(`at least ${LIMITS.sdkBatchEvents}`);
  });
});

/** An edge of its own (fresh config, fresh buckets) with the given limits. */
function edgeWith(limits: { key?: string; client?: string }) {
  const vars = { ...env, LIFELINE_RATE_KEY: limits.key ?? 'off', LIFELINE_RATE_CLIENT: limits.client ?? 'off' };
  const client = (ip: string, agent = 'TestBrowser/1.0') => ({ 'CF-Connecting-IP': ip, 'User-Agent': agent, Origin: ORIGIN });
  return {
    post: (body: unknown, headers = client('198.51.100.1')) =>
      app.request('/v1/events', { method: 'POST', headers: { 'Content-Type': 'text/plain', ...headers }, body: JSON.stringify(body) }, vars),
    status: (headers = client('198.51.100.1')) => app.request('/v1/status?key=pk_demo', { headers }, vars),
    client,
  };
}

async function expectLimited(res: Response, reason: string): Promise<number> {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('Retry-After'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  // The SDK reads Retry-After across origins only when CORS exposes it.
  expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
  const body = ErrorResponse.parse(await res.json());
  expect(body.error).toBe('rate_limited');
  expect(body.reason).toContain(reason);
  return retryAfter;
}

describe('the per-client limit', () => {
  it('answers 429 with Retry-After once a client spent its burst, before reading the body', async () => {
    const { calls } = collectorStub([200]);
    const edge = edgeWith({ client: '1:3' });
    for (let i = 0; i < 3; i++) expect((await edge.post(sdkBatch([event()]))).status).toBe(202);
    expect(await expectLimited(await edge.post('not even JSON'), 'this client')).toBe(1);
    expect(calls).toHaveLength(3);
  });

  it('limits each client on its own: another IP or another browser still passes', async () => {
    collectorStub([200]);
    const edge = edgeWith({ client: '1:1' });
    expect((await edge.post(sdkBatch([event()]))).status).toBe(202);
    expect((await edge.post(sdkBatch([event()]))).status).toBe(429);
    expect((await edge.post(sdkBatch([event()]), edge.client('198.51.100.2'))).status).toBe(202);
    expect((await edge.post(sdkBatch([event()]), edge.client('198.51.100.1', 'OtherBrowser/2.0'))).status).toBe(202);
  });

  it('keeps status requests on a budget apart from event posts', async () => {
    collectorStub([200]);
    const edge = edgeWith({ client: '1:2' });
    for (let i = 0; i < 2; i++) await edge.post(sdkBatch([event()]));
    expect((await edge.post(sdkBatch([event()]))).status).toBe(429);
    expect((await edge.status()).status).toBe(200);
    expect((await edge.status()).status).toBe(200);
    await expectLimited(await edge.status(), 'this client');
  });

  it('refills: a client that waits its Retry-After passes again', async () => {
    collectorStub([200]);
    const edge = edgeWith({ client: '20:1' });
    expect((await edge.post(sdkBatch([event()]))).status).toBe(202);
    expect((await edge.post(sdkBatch([event()]))).status).toBe(429);
    await new Promise((r) => setTimeout(r, 120));
    expect((await edge.post(sdkBatch([event()]))).status).toBe(202);
  });

  it('is off with "off"', async () => {
    collectorStub([200]);
    const edge = edgeWith({});
    for (let i = 0; i < 30; i++) expect((await edge.post(sdkBatch([event()]))).status).toBe(202);
  });
});

describe('the per-key limit', () => {
  it('counts events, not requests, and forwards nothing of a refused batch', async () => {
    const { calls } = collectorStub([200]);
    const edge = edgeWith({ key: `1:${LIMITS.sdkBatchEvents}` });
    const many = (n: number) => sdkBatch(Array.from({ length: n }, () => event()));
    expect((await edge.post(many(300))).status).toBe(202);
    expect((await edge.post(many(150))).status).toBe(202);
    const retryAfter = await expectLimited(await edge.post(many(100)), 'this ingest key');
    // 50 tokens left, 100 wanted, 1 event a second: 50 s.
    expect(retryAfter).toBe(50);
    expect(calls.flatMap((c) => c.body.events)).toHaveLength(450);
  });

  it('applies to every client of the key alike', async () => {
    collectorStub([200]);
    const edge = edgeWith({ key: `1:${LIMITS.sdkBatchEvents}` });
    const full = sdkBatch(Array.from({ length: LIMITS.sdkBatchEvents }, () => event()));
    expect((await edge.post(full, edge.client('198.51.100.1'))).status).toBe(202);
    expect((await edge.post(sdkBatch([event()]), edge.client('198.51.100.9', 'Another/1'))).status).toBe(429);
  });

  it('is checked after the key: a wrong key is still a 403, not a 429', async () => {
    collectorStub([200]);
    const edge = edgeWith({ key: `1:${LIMITS.sdkBatchEvents}` });
    await edge.post(sdkBatch(Array.from({ length: LIMITS.sdkBatchEvents }, () => event())));
    expect((await edge.post(sdkBatch([event()], { key: 'pk_nope' }))).status).toBe(403);
  });
});
