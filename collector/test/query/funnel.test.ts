import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunnelQuery, type FunnelResult, type StoredEvent } from '@lifeline/protocol';
import { CHROME, DAY, FIREFOX, HOUR, NOW, SAFARI_IOS, at, openTestStore, type TestStore } from './store';

let store: TestStore;

/** One session's track events, `gap` ms apart, starting at `start`. */
function session(start: number, steps: (string | [string, Record<string, unknown>])[], extra: Record<string, unknown> = {}, gap = 60_000): StoredEvent[] {
  const session_id = `s-${randomUUID()}`;
  return steps.map((s, i) => {
    const [name, props] = typeof s === 'string' ? [s, {}] : s;
    return at(start + i * gap, 'track', { session_id, name, props, ...extra });
  });
}

const many = (n: number, make: (i: number) => StoredEvent[]) => Array.from({ length: n }, (_, i) => make(i)).flat();
const t = (daysAgo: number, i = 0) => NOW - daysAgo * DAY + i * 7 * 60_000;
const counts = (r: FunnelResult) => r.steps.map((s) => s.count);

beforeAll(async () => {
  store = await openTestStore();
  const current = [
    // 10 Chrome sessions that only view a product.
    ...many(10, (i) => session(t(3, i), ['view_product'], { user_agent: CHROME, country: 'DE' })),
    // 6 iPhone sessions that add to cart: 3 tee-rose, 3 tee-ink.
    ...many(6, (i) =>
      session(t(2, i), ['view_product', ['add_to_cart', { product_id: i < 3 ? 'tee-rose' : 'tee-ink', qty: 1 }]], { user_agent: SAFARI_IOS, country: 'FR' }),
    ),
    // 4 Chrome sessions that buy; 2 of them added tee-rose.
    ...many(4, (i) =>
      session(t(4, i), ['view_product', ['add_to_cart', { product_id: i < 2 ? 'tee-rose' : 'tee-mint', qty: 2 }], ['purchase', { revenue: 26 }]], {
        user_agent: CHROME,
        country: 'DE',
      }),
    ),
    // 2 Firefox sessions that add to cart before viewing: only step 1 counts.
    ...many(2, (i) => session(t(5, i), [['add_to_cart', { product_id: 'tee-rose' }], 'view_product'], { user_agent: FIREFOX, country: 'NL' })),
    // 1 Firefox session whose purchase comes two days later, outside the 1-day window.
    ...session(t(6), ['view_product', ['add_to_cart', { product_id: 'tee-ink' }]], { user_agent: FIREFOX, country: 'NL', session_id: 's-slow' }),
    at(t(4), 'track', { session_id: 's-slow', name: 'purchase', user_agent: FIREFOX }),
  ];
  const previous = [
    ...many(4, (i) => session(t(10, i), ['view_product', 'add_to_cart', 'purchase'], { user_agent: CHROME })),
    ...many(4, (i) => session(t(11, i), ['view_product'], { user_agent: SAFARI_IOS })),
  ];
  // Each event stored twice (an edge retry), with merges stopped so both copies stay on disk.
  await store.storage.client.command({ query: `SYSTEM STOP MERGES ${store.storage.database}.events` });
  await store.insert([...current, ...previous]);
  await store.insert([...current, ...previous]);
});
afterAll(async () => {
  await store?.close();
});

const funnel = (params: Record<string, string>) => store.queries.funnel('demo', FunnelQuery.parse(params));

describe('funnel', () => {
  it('counts each step once per session, in order, within the window', async () => {
    const r = await funnel({ steps: 'view_product,add_to_cart,purchase' });
    expect(counts(r.total)).toEqual([23, 11, 4]);
    expect(r.total.steps.map((s) => [s.conversion_from_first, s.conversion_from_previous, s.drop_off])).toEqual([
      [1, 1, 0],
      [11 / 23, 11 / 23, 12],
      [4 / 23, 4 / 11, 7],
    ]);
    expect(r.total).toMatchObject({ entered: 23, completed: 4, conversion: 4 / 23 });
    expect(r).toMatchObject({ project: 'demo', by: 'session', window_ms: DAY, from: NOW - 7 * DAY, to: NOW });
  });

  it('lets a longer window count the late purchase', async () => {
    expect(counts((await funnel({ steps: 'view_product,add_to_cart,purchase', window: '3d' })).total)).toEqual([23, 11, 5]);
  });

  it('filters a step on a property', async () => {
    const r = await funnel({ steps: 'view_product,add_to_cart[product_id=tee-rose],purchase' });
    expect(counts(r.total)).toEqual([23, 5, 2]);
    expect(counts((await funnel({ steps: 'view_product,add_to_cart[qty>=2]' })).total)).toEqual([23, 4]);
    expect(counts((await funnel({ steps: 'view_product,add_to_cart[product_id!=tee-rose]' })).total)).toEqual([23, 6]);
  });

  it('breaks down by browser and by country, read at the first step', async () => {
    const r = await funnel({ steps: 'view_product,add_to_cart,purchase', breakdown: 'browser' });
    expect(r.breakdown?.map((b) => [b.value, ...counts(b)])).toEqual([
      ['Chrome', 14, 4, 4],
      ['Mobile Safari', 6, 6, 0],
      ['Firefox', 3, 1, 0],
    ]);
    const byCountry = await funnel({ steps: 'view_product,add_to_cart,purchase', breakdown: 'country', breakdown_limit: '1' });
    expect(byCountry.breakdown?.map((b) => [b.value, b.entered, b.completed])).toEqual([
      ['DE', 14, 4],
      ['(other)', 9, 0],
    ]);
  });

  it('compares with the previous period of the same length', async () => {
    const r = await funnel({ steps: 'view_product,add_to_cart,purchase', compare: 'true', breakdown: 'browser' });
    expect(r.previous).toMatchObject({ from: NOW - 14 * DAY, to: NOW - 7 * DAY });
    expect(counts(r.previous!.total)).toEqual([8, 4, 4]);
    // The previous period lists the current period's values, in the same order.
    expect(r.previous!.breakdown?.map((b) => [b.value, b.entered])).toEqual([
      ['Chrome', 4],
      ['Mobile Safari', 4],
      ['Firefox', 0],
    ]);
  });

  it('in strict order, any other tracked event between steps breaks the chain', async () => {
    const start = NOW - 20 * DAY;
    await store.insert(session(start, ['view_product', 'wishlist_add', 'add_to_cart']));
    const range = { from: String(start - HOUR), to: String(start + HOUR) };
    expect(counts((await funnel({ steps: 'view_product,add_to_cart', ...range })).total)).toEqual([1, 1]);
    expect(counts((await funnel({ steps: 'view_product,add_to_cart', order: 'strict', ...range })).total)).toEqual([1, 0]);
  });

  it('counts users across their sessions with by=user', async () => {
    const start = NOW - 25 * DAY;
    await store.insert([
      ...session(start, ['view_product'], { user_id: 'u-anna' }),
      ...session(start + 2 * HOUR, ['add_to_cart'], { user_id: 'u-anna' }),
    ]);
    const range = { from: String(start - HOUR), to: String(start + 3 * HOUR) };
    expect(counts((await funnel({ steps: 'view_product,add_to_cart', ...range })).total)).toEqual([1, 0]);
    expect(counts((await funnel({ steps: 'view_product,add_to_cart', by: 'user', ...range })).total)).toEqual([1, 1]);
  });

  it('answers zeros for a period without events', async () => {
    const r = await funnel({ steps: 'a,b', from: 'now-400d', to: 'now-399d' });
    expect(r.total).toMatchObject({ entered: 0, completed: 0, conversion: 0 });
    expect(r.total.steps.map((s) => s.conversion_from_previous)).toEqual([0, 0]);
  });
});
