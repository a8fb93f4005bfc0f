import { describe, expect, it } from 'vitest';
import { FunnelQuery, MetricsQuery, SearchQuery, parseDuration, parseFunnelSteps, parseTime } from '../src/index';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('query parameters', () => {
  it.each([
    ['1767225600000', 1767225600000],
    ['now', NOW],
    ['now-7d', NOW - 7 * 86_400_000],
    ['-24h', NOW - 24 * 3_600_000],
    ['-30m', NOW - 30 * 60_000],
    ['2026-11-14', Date.UTC(2026, 10, 14)],
    ['2026-11-14T14:00:00Z', Date.UTC(2026, 10, 14, 14)],
    ['2026-11-14T14:00', Date.UTC(2026, 10, 14, 14)],
    ['2026-11-14T15:00:00+01:00', Date.UTC(2026, 10, 14, 14)],
  ])('reads the time %s', (text, ms) => {
    expect(parseTime(text, NOW)).toBe(ms);
  });

  it.each(['yesterday', 'now+1d', '2026-13-45', '14:00', ''])('refuses the time %j', (text) => {
    expect(parseTime(text, NOW)).toBeUndefined();
  });

  it('reads durations', () => {
    expect([parseDuration('90s'), parseDuration('1h'), parseDuration('2w'), parseDuration('1.5h')]).toEqual([90_000, 3_600_000, 1_209_600_000, undefined]);
  });
});

describe('funnel steps', () => {
  it('reads names, property filters and quoted text', () => {
    expect(parseFunnelSteps('view_product, add_to_cart[product_id=tee-rose; qty>=2],"Order, Completed"[plan~"pro; yearly"]')).toEqual([
      { event: 'view_product', where: [], label: 'view_product' },
      {
        event: 'add_to_cart',
        where: [
          { key: 'product_id', op: '=', value: 'tee-rose' },
          { key: 'qty', op: '>=', value: '2' },
        ],
        label: 'add_to_cart[product_id=tee-rose; qty>=2]',
      },
      { event: 'Order, Completed', where: [{ key: 'plan', op: '~', value: 'pro; yearly' }], label: '"Order, Completed"[plan~"pro; yearly"]' },
    ]);
  });

  it.each([
    ['a,,b', /expected an event name/],
    ['a,b[x]', /expected one of/],
    ['a,b[x>y]', /needs a number/],
    ['a,b[x=1', /expected ; or \]/],
    ['a,"b', /unterminated/],
    ['a b[x=1]c', /expected , between steps/],
  ])('refuses %j', (text, message) => {
    expect(() => parseFunnelSteps(text)).toThrow(message);
  });

  it('validates a whole funnel query, with defaults', () => {
    expect(FunnelQuery.parse({ steps: 'a,b' })).toMatchObject({ window: 86_400_000, by: 'session', order: 'sequential', compare: false, breakdown_limit: 10 });
    expect(FunnelQuery.safeParse({ steps: 'a,b', extra: '1' }).success).toBe(false);
    expect(MetricsQuery.parse({ events: 'add_to_cart, sign_up' }).events).toEqual(['add_to_cart', 'sign_up']);
    // Time zones are passed on spelled as the runtime spells them: ClickHouse matches names exactly.
    expect(MetricsQuery.parse({ tz: 'utc' }).tz).toBe('UTC');
    expect(MetricsQuery.parse({ tz: 'europe/paris' }).tz).toBe('Europe/Paris');
    expect(MetricsQuery.parse({}).tz).toBe('UTC');
    expect(SearchQuery.safeParse({}).success).toBe(false);
  });
});
