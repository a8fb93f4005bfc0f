import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlerting, type Alerting } from '../../src/alerts/create-alerting';
import type { Storage } from '../../src/storage/open-storage';
import { MIN, NOW, call, calls, clearAlerts, openTestStorage, store, tracked } from './support';

let storage: Storage;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  // Each rule looks at its own path, so the cases below do not see each other's calls.
  await store(storage, [
    // /api/pay: 10 calls 4–1 minutes before NOW, 3 failing (30%); plus a GET that the method filter leaves out.
    ...calls(10, 3, NOW - 4 * MIN, NOW - MIN, { path: '/api/pay' }),
    ...calls(10, 10, NOW - 4 * MIN, NOW - MIN, { path: '/api/pay', method: 'GET' }),
    // /api/cart: exactly 20% failing.
    ...calls(10, 2, NOW - 4 * MIN, NOW - MIN, { path: '/api/cart' }),
    // /api/orders: 4 calls only, all failing: fewer than min_count.
    ...calls(4, 4, NOW - 4 * MIN, NOW - MIN, { path: '/api/orders' }),
    // /api/search: p95 above 5 s (19 fast calls, then slow ones).
    ...Array.from({ length: 20 }, (_, i) => call(NOW - 3 * MIN + i * 1000, 200, { path: '/api/search/q', method: 'GET', duration_ms: i < 18 ? 200 : 9000 })),
    // Purchases: 3 in the hour before NOW - 2h, none after.
    tracked(NOW - 150 * MIN, 'purchase'), tracked(NOW - 140 * MIN, 'purchase'), tracked(NOW - 130 * MIN, 'purchase'),
  ]);
});
afterAll(async () => close?.());
beforeEach(async () => clearAlerts(storage));

const rule = (id: string, extra: Record<string, unknown>) => ({ id, kind: 'threshold', ...extra });

async function alertingWith(rules: unknown[]): Promise<Alerting> {
  return createAlerting({ storage, projects: new Set(['demo']), rules: { project: 'demo', defaults: { repeat: '1h' }, rules }, dashboardUrl: 'http://dash.test/dashboard/' });
}

describe('threshold rules', () => {
  it('fires when the error rate is above 20% over 5 minutes, and resolves once the window has no such calls', async () => {
    const a = await alertingWith([rule('pay-errors', { source: 'network', metric: 'error_rate', op: 'above', value: 0.2, filter: { path: '/api/pay', method: 'POST' } })]);
    const r1 = await a.evaluate(NOW);
    expect(r1.errors).toEqual([]);
    expect(r1.notifications).toEqual([{ key: 'pay-errors', kind: 'firing' }]);
    const firing = (await a.history('demo', 10)).firing[0]!;
    expect(firing).toMatchObject({ key: 'pay-errors', value: 0.3, threshold: 0.2, severity: 'warning' });
    expect(firing.summary).toBe('Error rate of POST /api/pay calls (browser) is 30.0% over the last 5m (above 20.0%; 10 calls)');
    expect(firing.links.dashboard).toBe('http://dash.test/dashboard/#/red?path=%2Fapi%2Fpay&source=browser');
    expect(firing.links.runbook).toBe('docs/runbook.md#error-rate');
    // The failing endpoints of the window are the likely causes, the worst first.
    expect(firing.causes.map((c) => c.label)).toEqual(['GET /api/pay', 'POST /api/orders', 'POST /api/pay', 'POST /api/cart'].slice(0, 3));
    // A minute later every call is still in the window: nothing new is sent.
    expect((await a.evaluate(NOW + MIN)).notifications).toEqual([]);
    // Three minutes later the failures (the earliest calls) have left the window, and the
    // three calls left are fewer than min_count: resolved.
    expect((await a.evaluate(NOW + 3 * MIN)).notifications).toEqual([{ key: 'pay-errors', kind: 'resolved' }]);
  });

  it('does not fire exactly at the bound, nor on fewer calls than min_count', async () => {
    const a = await alertingWith([
      rule('cart-errors', { source: 'network', metric: 'error_rate', op: 'above', value: 0.2, filter: { path: '/api/cart' } }),
      rule('orders-errors', { source: 'network', metric: 'error_rate', op: 'above', value: 0.2, filter: { path: '/api/orders' } }),
      rule('orders-errors-loose', { source: 'network', metric: 'error_rate', op: 'above', value: 0.2, min_count: 4, filter: { path: '/api/orders' } }),
    ]);
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'orders-errors-loose', kind: 'firing' }]);
  });

  it('fires on p95 latency above 5 s for a path prefix', async () => {
    const a = await alertingWith([
      rule('search-p95', { source: 'network', metric: 'latency_p95', op: 'above', value: 5000, filter: { path_prefix: '/api/search' }, severity: 'critical' }),
      rule('search-p50', { source: 'network', metric: 'latency_p50', op: 'above', value: 5000, filter: { path_prefix: '/api/search' } }),
    ]);
    expect((await a.evaluate(NOW)).notifications).toEqual([{ key: 'search-p95', kind: 'firing' }]);
    const [alert] = (await a.history('demo', 10)).firing;
    expect(alert!.value).toBeGreaterThan(5000);
    expect(alert!.summary).toMatch(/^p95 latency of \/api\/search\* calls \(browser\) is [\d,]+ ms over the last 5m \(above 5,000 ms; 20 calls\)$/);
  });

  it('fires when a tracked-event count falls below its floor', async () => {
    const a = await alertingWith([rule('no-purchases', { source: 'events', metric: 'count', op: 'below', value: 1, window: '1h', filter: { event: 'purchase' } })]);
    expect((await a.evaluate(NOW - 100 * MIN)).notifications).toEqual([]);
    expect((await a.evaluate(NOW - 60 * MIN)).notifications).toEqual([{ key: 'no-purchases', kind: 'firing' }]);
    expect((await a.history('demo', 1)).firing[0]!.summary).toBe('Count of purchase events is 0 over the last 1h (below 1)');
    // Back in time, before the purchases left the window: resolved.
    expect((await a.evaluate(NOW - 100 * MIN)).notifications).toEqual([{ key: 'no-purchases', kind: 'resolved' }]);
  });

  it('counts each event once however many copies are stored', async () => {
    const dup = calls(20, 20, NOW - 3 * MIN, NOW - 2 * MIN, { path: '/api/dup' });
    await store(storage, [...dup, ...dup, ...calls(20, 0, NOW - 3 * MIN, NOW - 2 * MIN, { path: '/api/dup' })]);
    const a = await alertingWith([rule('dup-errors', { source: 'network', metric: 'error_rate', op: 'above', value: 0.5, filter: { path: '/api/dup' } })]);
    // 20 failed of 40 distinct calls is 50%, not above; counting the copies would make it 67%.
    expect((await a.evaluate(NOW)).notifications).toEqual([]);
  });
});
