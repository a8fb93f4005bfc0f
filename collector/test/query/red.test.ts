import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedQuery } from '@lifeline/protocol';
import { HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
const T = NOW - 2 * HOUR;

// Ten browser calls to one order endpoint (IDs differ), 10…100 ms, two 503s and one network failure.
const orders = Array.from({ length: 10 }, (_, i) =>
  at(T + i * 1000, 'network', {
    method: 'POST',
    url: `https://shop.test/api/orders/FT-10000${i}?x=1`,
    status: i === 3 || i === 7 ? 503 : i === 9 ? 0 : 201,
    duration_ms: (i + 1) * 10,
    request_id: `r-${i}`,
  }),
);
// Four backend `response …` logs for one cart endpoint, keyed by a UUID, and one error log without a status.
const cart = [5, 15, 25, 35].map((d, i) =>
  at(T + i * 1000, 'log', {
    level: 'info',
    message: `response 200 GET /api/cart/${randomUUID()}`,
    props: { method: 'GET', path: `/api/cart/${randomUUID()}`, status: 200, duration_ms: d },
  }),
);

beforeAll(async () => {
  store = await openTestStore();
  await store.insert([...orders, ...cart, at(T, 'log', { level: 'error', message: 'db timeout', request_id: 'r-3' })]);
  await store.insert(orders.slice(0, 5));
});
afterAll(async () => {
  await store?.close();
});

const red = (params: Record<string, string> = {}) => store.queries.red('demo', RedQuery.parse({ from: String(T - HOUR), to: String(T + HOUR), ...params }));

describe('RED per endpoint', () => {
  it('gives rate, errors and exact p50/p95/p99 per method and path template, each call once', async () => {
    const r = await red();
    expect(r.endpoints).toEqual([
      { source: 'browser', method: 'POST', path: '/api/orders/{id}', requests: 10, rate_per_min: 0.083, errors: 3, error_rate: 0.3, p50: 55, p95: 95.5, p99: 99.1 },
      { source: 'backend', method: 'GET', path: '/api/cart/{uuid}', requests: 4, rate_per_min: 0.033, errors: 0, error_rate: 0, p50: 20, p95: 33.5, p99: 34.7 },
    ]);
  });

  it('filters by source and by path', async () => {
    expect((await red({ source: 'backend' })).endpoints.map((e) => e.path)).toEqual(['/api/cart/{uuid}']);
    expect((await red({ path: 'orders' })).endpoints.map((e) => e.path)).toEqual(['/api/orders/{id}']);
  });
});
