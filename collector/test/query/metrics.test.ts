import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsQuery, type StoredEvent } from '@lifeline/protocol';
import { DAY, HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
/** UTC midnight two days before now: day A starts here, day B a day later. */
const D0 = Math.floor((NOW - 2 * DAY) / DAY) * DAY;
const A = (h: number, m = 0) => D0 + h * HOUR + m * 60_000;
const B = (h: number, m = 0) => D0 + DAY + h * HOUR + m * 60_000;

const pv = (session_id: string, ts: number) => at(ts, 'pageview', { session_id });
const track = (session_id: string, ts: number, name: string, props: Record<string, unknown> = {}) => at(ts, 'track', { session_id, name, props });
const err = (session_id: string, ts: number) => at(ts, 'error', { session_id, message: 'boom' });

const events: StoredEvent[] = [
  // Day A
  pv('s1', A(10, 5)), pv('s1', A(11, 10)), track('s1', A(11, 15), 'purchase', { revenue: 20, currency: 'EUR' }),
  pv('s2', A(10, 20)), track('s2', A(10, 22), 'sign_up'), track('s2', A(10, 25), 'purchase', { revenue: 30.5 }),
  pv('s3', A(10, 40)), err('s3', A(10, 41)), err('s3', A(10, 42)),
  pv('s4', A(23, 30)), track('s4', A(23, 35), 'purchase', { revenue: 5 }),
  pv('s5', A(12)), track('s5', A(12, 1), 'add_to_cart'),
  // Day B
  pv('s6', B(9)), track('s6', B(9, 5), 'purchase', { revenue: 10 }), err('s6', B(9, 6)),
  pv('s7', B(9, 30)), track('s7', B(9, 31), 'add_to_cart'), track('s7', B(9, 32), 'add_to_cart'),
  track('s7', B(9, 40), 'order_completed', { total: 99 }),
];

beforeAll(async () => {
  store = await openTestStore();
  // Every event twice, merges stopped: both copies stay on disk and reach the roll-up.
  await store.storage.client.command({ query: `SYSTEM STOP MERGES ${store.storage.database}.events` });
  await store.storage.client.command({ query: `SYSTEM STOP MERGES ${store.storage.database}.events_hourly` });
  await store.insert(events);
  await store.insert(events);
});
afterAll(async () => {
  await store?.close();
});

const metrics = (params: Record<string, string>) => store.queries.metrics('demo', MetricsQuery.parse(params));
const pick = (v: { visits: number; orders: number; revenue: number; registrations: number; converted: number; conversion_rate: number; errors: number; events: Record<string, number> }) => [
  v.visits,
  v.orders,
  v.revenue,
  v.registrations,
  v.converted,
  v.conversion_rate,
  v.errors,
  v.events,
];

describe('metrics', () => {
  it('per day: visits, orders, revenue, registrations, conversion, errors and event counts, each event once', async () => {
    const r = await metrics({ from: String(D0), to: String(D0 + 2 * DAY), interval: 'day', events: 'add_to_cart' });
    expect(r.points.map((p) => p.t)).toEqual([D0, D0 + DAY]);
    expect(r.points.map(pick)).toEqual([
      [5, 3, 55.5, 1, 3, 3 / 5, 2, { add_to_cart: 1 }],
      [2, 1, 10, 0, 1, 1 / 2, 1, { add_to_cart: 2 }],
    ]);
    expect(pick(r.totals)).toEqual([7, 4, 65.5, 1, 4, 4 / 7, 3, { add_to_cart: 3 }]);
  });

  it('per hour, with a session seen in two hours counted once in the total', async () => {
    const r = await metrics({ from: String(A(10)), to: String(A(12)), interval: 'hour' });
    expect(r.points.map((p) => [p.t, p.visits, p.orders, p.revenue, p.errors])).toEqual([
      [A(10), 3, 1, 30.5, 2],
      [A(11), 1, 1, 20, 0],
    ]);
    expect([r.totals.visits, r.totals.orders, r.totals.revenue]).toEqual([3, 2, 50.5]);
  });

  it('reads the uneven ends of a range from events, up to the minute', async () => {
    const r = await metrics({ from: String(A(10, 30)), to: String(A(11, 30)), interval: 'hour' });
    expect(r.points.map((p) => [p.t, p.visits, p.orders, p.errors])).toEqual([
      [A(10), 1, 0, 2],
      [A(11), 1, 1, 0],
    ]);
  });

  it.each([
    ['Europe/Berlin', 1],
    ['Asia/Kolkata', 5.5],
  ])('buckets days in %s', async (tz, offsetHours) => {
    const shift = offsetHours * HOUR;
    const r = await metrics({ from: String(D0 - shift), to: String(D0 + 2 * DAY - shift), interval: 'day', tz });
    expect(r.points.map((p) => [p.t, p.visits, p.orders, p.revenue])).toEqual([
      [D0 - shift, 4, 2, 50.5],
      [D0 + DAY - shift, 3, 2, 15],
    ]);
  });

  it('maps a store’s own event names and revenue prop', async () => {
    const r = await metrics({ from: String(D0), to: String(D0 + 2 * DAY), interval: 'day', purchase_event: 'order_completed', revenue_prop: 'total' });
    expect(r.points.map((p) => [p.orders, p.revenue, p.converted])).toEqual([
      [0, 0, 0],
      [1, 99, 1],
    ]);
  });

  it('fills empty buckets with zeros and defaults to the last 7 days by day', async () => {
    const r = await metrics({});
    expect(r).toMatchObject({ from: NOW - 7 * DAY, to: NOW, interval: 'day', tz: 'UTC' });
    expect(r.points.length).toBeGreaterThanOrEqual(7);
    expect(r.points.filter((p) => p.visits === 0).length).toBeGreaterThanOrEqual(r.points.length - 2);
  });
});
