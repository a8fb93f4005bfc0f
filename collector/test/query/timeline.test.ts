import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTimelineQuery, type QueryTimelineResponse, type StoredEvent } from '@lifeline/protocol';
import { HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
const T = NOW - 2 * HOUR;
const S1 = { session_id: 'sess-1', user_id: 'u-ada' };

const ev = {
  landing: at(T, 'pageview', { ...S1, url: 'https://shop.test/checkout' }),
  pay: at(T + 10_000, 'network', { ...S1, request_id: 'req-pay', method: 'POST', url: '/api/pay', status: 503, duration_ms: 2500 }),
  payLog1: at(T + 9_000, 'log', { request_id: 'req-pay', level: 'info', message: 'request POST /api/pay' }),
  payLog2: at(T + 9_500, 'log', { request_id: 'req-pay', order_id: 'FT-100001', level: 'error', message: 'both payment gateways failed' }),
  payError: at(T + 11_000, 'error', { ...S1, request_id: 'req-pay', message: 'Error: Payment failed' }),
  fallback: at(T + 11_500, 'degrade', { ...S1, request_id: 'req-pay', feature: 'checkout', state: 'down', reason: 'breaker' }),
  purchase: at(T + 12_000, 'track', { ...S1, name: 'purchase', order_id: 'FT-100001', props: { order_id: 'FT-100001', revenue: 26 } }),
  cart: at(T + 20_000, 'network', { ...S1, request_id: 'req-cart', method: 'GET', url: '/api/cart', status: 200, duration_ms: 30 }),
  cartLog: at(T + 19_990, 'log', { request_id: 'req-cart', level: 'info', message: 'response 200 GET /api/cart' }),
  flag: at(T + 2 * 60_000, 'flag', { feature: 'payments', from_state: 'ok', state: 'down', actor: 'ops' }),
  later: at(T + 10 * 60_000, 'pageview', { ...S1, url: 'https://shop.test/thanks' }),
  oldFlag: at(T - HOUR, 'flag', { feature: 'search', from_state: 'ok', state: 'degraded' }),
  otherSession: at(T + 5_000, 'pageview', { session_id: 'sess-2', url: 'https://shop.test/' }),
  otherProject: at(T + 10_000, 'log', { project: 'other', request_id: 'req-pay', level: 'info', message: 'not yours' }),
};

beforeAll(async () => {
  store = await openTestStore();
  await store.insert(Object.values(ev));
  // A retried copy of some events.
  await store.insert([ev.pay, ev.payLog2, ev.purchase]);
});
afterAll(async () => {
  await store?.close();
});

const timeline = (params: Record<string, string>) => store.queries.timeline('demo', QueryTimelineQuery.parse(params));
const names = (r: QueryTimelineResponse) => {
  const byId = new Map(Object.entries(ev).map(([name, e]) => [e.event_id, name]));
  return r.events.map((e) => `${byId.get(e.event_id)}:${r.via[e.event_id]}`);
};
const ids = (events: StoredEvent[]) => events.map((e) => e.event_id);

describe('related timeline', () => {
  it('by request: its browser events and backend logs, the session around it, and flag flips then', async () => {
    const r = await timeline({ id: 'req-pay', by: 'request' });
    expect(names(r)).toEqual([
      'landing:session',
      'payLog1:match',
      'payLog2:match',
      'pay:match',
      'payError:match',
      'fallback:match',
      'purchase:session',
      'cart:session',
      'flag:flag',
    ]);
    expect(r).toMatchObject({ by: 'request', id: 'req-pay', sessions: ['sess-1'], truncated: false });
    expect(r.request_ids.sort()).toEqual(['req-cart', 'req-pay']);
  });

  it('by order: the sessions carrying it, whole, with the logs of every request they made', async () => {
    const r = await timeline({ id: 'FT-100001' });
    expect(r.by).toBe('order');
    expect(names(r)).toEqual([
      'landing:session',
      'payLog1:request',
      'payLog2:match',
      'pay:request',
      'payError:request',
      'fallback:request',
      'purchase:match',
      'cartLog:request',
      'cart:session',
      'flag:flag',
      'later:session',
    ]);
  });

  it('by session and by user: whole sessions with their requests’ logs', async () => {
    const bySession = await timeline({ id: 'sess-1' });
    expect(bySession.by).toBe('session');
    const byUser = await timeline({ id: 'u-ada', by: 'user' });
    for (const r of [bySession, byUser]) {
      expect(ids(r.events).sort()).toEqual(ids([ev.landing, ev.payLog1, ev.payLog2, ev.pay, ev.payError, ev.fallback, ev.purchase, ev.cartLog, ev.cart, ev.flag, ev.later]).sort());
    }
  });

  it('with related=false, only the events carrying the ID', async () => {
    const r = await timeline({ id: 'req-pay', related: 'false' });
    expect(ids(r.events)).toEqual(ids([ev.payLog1, ev.payLog2, ev.pay, ev.payError, ev.fallback]));
    expect(Object.values(r.via)).toEqual(['match', 'match', 'match', 'match', 'match']);
  });

  it('honours limit, reporting that it cut the timeline', async () => {
    const r = await timeline({ id: 'FT-100001', limit: '3' });
    expect(r.events).toHaveLength(3);
    expect(r.truncated).toBe(true);
  });

  it('finds nothing for an unknown ID, and nothing of another project', async () => {
    expect((await timeline({ id: 'nope' })).events).toEqual([]);
    const other = await store.queries.timeline('other', QueryTimelineQuery.parse({ id: 'req-pay' }));
    expect(ids(other.events)).toEqual([ev.otherProject.event_id]);
  });
});
