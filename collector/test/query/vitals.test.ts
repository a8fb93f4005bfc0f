import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VitalsQuery } from '@lifeline/protocol';
import { DAY, HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
const DAY1 = Math.floor((NOW - 2 * DAY) / DAY) * DAY;
const vital = (ts: number, name: string, value: number, url: string) => at(ts, 'vital', { name, value, url, session_id: 's1' });

// LCP 100, 200, … 10100 ms on /checkout: p75 interpolates to rank 75 (0-based) = 7600 ms.
const lcp = Array.from({ length: 101 }, (_, i) => vital(DAY1 + HOUR + i * 1000, 'LCP', (i + 1) * 100, 'https://shop.test/checkout?step=2'));

beforeAll(async () => {
  store = await openTestStore();
  await store.insert([
    ...lcp,
    ...[0.01, 0.05, 0.2, 0.3].map((v, i) => vital(DAY1 + DAY + HOUR + i, 'CLS', v, 'https://shop.test/')),
    vital(DAY1 + DAY + 2 * HOUR, 'INP', 100, 'https://shop.test/product/tee-rose'),
    vital(DAY1 + DAY + 2 * HOUR + 1, 'INP', 300, 'https://shop.test/product/tee-rose'),
    vital(DAY1 + DAY + 3 * HOUR, 'LCP', 1000, '/orders/FT-123456'),
  ]);
  await store.insert(lcp.slice(0, 60));
});
afterAll(async () => {
  await store?.close();
});

const vitals = (params: Record<string, string>) => store.queries.vitals('demo', VitalsQuery.parse({ from: String(DAY1), to: String(DAY1 + 2 * DAY), ...params }));

describe('web vitals', () => {
  it('gives the exact p75 and the good / needs-improvement / poor shares per path', async () => {
    const r = await vitals({});
    const checkout = r.by_path.find((p) => p.path === '/checkout')!.vitals;
    expect(checkout).toEqual([{ name: 'LCP', count: 101, p75: 7600, rating: 'poor', good: 25 / 101, needs_improvement: expect.closeTo(15 / 101, 12), poor: 61 / 101 }]);
    expect(r.by_path.find((p) => p.path === '/')!.vitals).toEqual([
      { name: 'CLS', count: 4, p75: 0.225, rating: 'needs-improvement', good: 0.5, needs_improvement: 0.25, poor: 0.25 },
    ]);
    expect(r.by_path.find((p) => p.path === '/product/tee-rose')!.vitals[0]).toMatchObject({ name: 'INP', p75: 250, rating: 'needs-improvement' });
    expect(r.by_path.map((p) => p.path)).toContain('/orders/{id}');
  });

  it('gives the overall figures and a series per day, in the order LCP, INP, CLS, FCP, TTFB', async () => {
    const r = await vitals({ interval: 'day' });
    expect(r.overall.map((v) => [v.name, v.count])).toEqual([['LCP', 102], ['INP', 2], ['CLS', 4]]);
    expect(r.series.map((s) => [s.t, s.vitals.map((v) => v.name)])).toEqual([
      [DAY1, ['LCP']],
      [DAY1 + DAY, ['LCP', 'INP', 'CLS']],
    ]);
  });

  it('filters by vital and by path template', async () => {
    const r = await vitals({ names: 'INP', path: '/product/tee-rose' });
    expect(r.overall.map((v) => [v.name, v.count, v.p75])).toEqual([['INP', 2, 250]]);
  });
});
