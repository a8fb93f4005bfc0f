import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomaliesQuery, type StoredEvent } from '@lifeline/protocol';
import { CHROME, HOUR, NOW, SAFARI_IOS, WEEK, at, openTestStore, type TestStore } from './store';

let store: TestStore;
/** The payments outage: two hours starting ten hours before now. */
const OUTAGE = NOW - 10 * HOUR;
const OUTAGE_END = OUTAGE + 2 * HOUR;

/**
 * One hour of a store: about 40 sessions (a little more or less each week), 40 % of them
 * paying through POST /api/pay, one recurring JavaScript error. In the outage the payment
 * fails instead: a 503, the backend's error log, the SDK's error and its fallback.
 */
function hourOfTraffic(hour: number, week: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  const sessions = 40 + ((week * 3 + hour / HOUR) % 5) - 2;
  const down = hour >= OUTAGE && hour < OUTAGE_END;
  for (let i = 0; i < sessions; i++) {
    const t = hour + i * 80_000;
    const s = { session_id: `s-${randomUUID()}`, user_agent: i % 2 ? CHROME : SAFARI_IOS, country: i % 3 ? 'DE' : 'FR' };
    out.push(at(t, 'pageview', { ...s, url: 'https://shop.test/checkout' }));
    if ((hour / HOUR + i) % 5 >= 2) continue;
    const request_id = `r-${randomUUID()}`;
    if (!down) {
      out.push(at(t + 20_000, 'network', { ...s, request_id, method: 'POST', url: 'https://shop.test/api/pay', status: 200, duration_ms: 240 }));
      out.push(at(t + 21_000, 'track', { ...s, name: 'purchase', order_id: `FT-${100000 + i}`, props: { revenue: 25 } }));
      continue;
    }
    out.push(at(t + 20_000, 'network', { ...s, request_id, method: 'POST', url: 'https://shop.test/api/pay', status: 503, duration_ms: 2600 }));
    out.push(at(t + 19_000, 'log', { request_id, level: 'error', message: 'both payment gateways failed', service: 'store' }));
    out.push(at(t + 21_000, 'error', { ...s, request_id, message: 'Error: Payment failed', fingerprint: 'payment-failed' }));
    out.push(at(t + 21_500, 'degrade', { ...s, request_id, feature: 'checkout', state: 'down', reason: 'breaker' }));
  }
  out.push(at(hour + 1_000, 'error', { session_id: `s-${randomUUID()}`, message: 'TypeError: x is undefined', fingerprint: 'openSizeGuide' }));
  return out;
}

beforeAll(async () => {
  store = await openTestStore();
  // The last 24 hours and the same hours in each of the four weeks before: what a
  // 24-hour range is judged against.
  const events: StoredEvent[] = [];
  for (let week = 0; week <= 4; week++) {
    for (let h = NOW - 24 * HOUR; h < NOW; h += HOUR) events.push(...hourOfTraffic(h - week * WEEK, week));
  }
  events.push(
    at(OUTAGE + 5 * 60_000, 'flag', { feature: 'checkout', from_state: 'ok', state: 'degraded', actor: 'ops-alice', message: 'Payments are slow' }),
    at(OUTAGE_END, 'flag', { feature: 'checkout', from_state: 'degraded', state: 'ok', actor: 'ops-alice' }),
  );
  await store.insert(events);
});
afterAll(async () => {
  await store?.close();
});

const anomalies = (params: Record<string, string>) => store.queries.anomalies('demo', AnomaliesQuery.parse(params));

describe('anomalies', () => {
  it('finds the sales and conversion drop at the hour the outage started, and only there', async () => {
    const r = await anomalies({ from: 'now-24h' });
    expect(r).toMatchObject({ from: NOW - 24 * HOUR, to: NOW, weeks: 4, hours_without_baseline: 0 });
    const byMetric = new Map(r.anomalies.map((a) => [`${a.metric} ${a.direction}`, a]));
    for (const key of ['orders drop', 'revenue drop', 'conversion_rate drop', 'errors spike']) {
      expect(byMetric.get(key), key).toMatchObject({ start: OUTAGE, end: OUTAGE_END, severity: 'high' });
    }
    expect(r.anomalies.every((a) => a.start === OUTAGE && a.end === OUTAGE_END)).toBe(true);
    const orders = byMetric.get('orders drop')!;
    expect(orders.observed).toBe(0);
    expect(orders.expected).toBeGreaterThan(25);
    expect(orders.change).toBe(-1);
    expect(orders.hours.map((h) => h.t)).toEqual([OUTAGE, OUTAGE + HOUR]);
    expect(orders.hours[0]!.baseline).toHaveLength(4);
  });

  it('names the failing endpoint, the payment error, the fallback and the flag as the top causes', async () => {
    const r = await anomalies({ from: 'now-24h', metrics: 'orders,conversion_rate' });
    for (const a of r.anomalies) {
      const top = a.causes.slice(0, 4);
      expect(new Set(top.map((c) => c.kind))).toEqual(new Set(['endpoint', 'error_group', 'degrade', 'flag']));
      const endpoint = top.find((c) => c.kind === 'endpoint');
      expect(endpoint).toMatchObject({ method: 'POST', path: '/api/pay', expected: 0, baseline_failure_rate: 0, statuses: [503] });
      expect(endpoint?.kind === 'endpoint' && endpoint.observed).toBeGreaterThan(25);
      expect(top.find((c) => c.kind === 'error_group')).toMatchObject({ key: 'payment-failed', expected: 0 });
      expect(top.find((c) => c.kind === 'degrade')).toMatchObject({ feature: 'checkout', state: 'down', reason: 'breaker' });
      expect(top.find((c) => c.kind === 'flag')).toMatchObject({ feature: 'checkout', state: 'degraded', at: OUTAGE + 5 * 60_000, actor: 'ops-alice' });
      // The recurring error did not rise, and every browser lost its orders alike.
      expect(a.causes.some((c) => c.kind === 'error_group' && c.key === 'openSizeGuide')).toBe(false);
      expect(a.causes.some((c) => c.kind === 'segment')).toBe(false);
    }
  });

  it('judges a half-elapsed hour against half-hours', async () => {
    const r = await anomalies({ from: 'now-3h', to: String(NOW - 90 * 60_000), metrics: 'orders,visits' });
    expect(r.anomalies).toEqual([]);
  });

  it('skips causes on request, and finds nothing with fewer weeks than hours need', async () => {
    const plain = await anomalies({ from: 'now-24h', metrics: 'orders', causes: 'false' });
    expect(plain.anomalies.map((a) => a.causes)).toEqual([[]]);
    const old = await anomalies({ from: String(NOW - 4 * WEEK - 24 * HOUR), to: String(NOW - 4 * WEEK), metrics: 'orders' });
    expect(old.hours_without_baseline).toBe(24);
    expect(old.anomalies).toEqual([]);
  });
});
