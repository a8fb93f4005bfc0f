import { describe, expect, it } from 'vitest';
import { BrowserEvent, CollectorBatch, SdkBatch, StoredEvent, TimelineQuery, LIMITS } from '../src/index';

const id = '0b8f1c1e-3f5a-4c1e-9a53-0a1b2c3d4e5f';
const ok = { event_id: id, ts: 1_700_000_000_000, session_id: 's1' };

describe('BrowserEvent', () => {
  it.each([
    ['pageview', { ...ok, kind: 'pageview', url: 'https://shop.test/' }],
    ['track', { ...ok, kind: 'track', name: 'add_to_cart', props: { sku: 'T1', qty: 2, gift: false, note: null } }],
    ['error', { ...ok, kind: 'error', message: 'boom', stack: 'Error: boom\n  at x', handled: false }],
    ['vital', { ...ok, kind: 'vital', name: 'LCP', value: 1234.5, rating: 'good' }],
    ['network', { ...ok, kind: 'network', method: 'POST', url: '/api/pay', status: 503, duration_ms: 12 }],
    ['degrade', { ...ok, kind: 'degrade', feature: 'checkout', state: 'down', reason: 'flag' }],
  ])('accepts a %s event', (_kind, event) => {
    expect(BrowserEvent.safeParse(event).success).toBe(true);
  });

  it.each([
    ['missing event_id', { ts: 1, kind: 'track', name: 'x' }],
    ['non-uuid event_id', { ...ok, event_id: 'abc', kind: 'track', name: 'x' }],
    ['unknown kind', { ...ok, kind: 'bogus' }],
    ['a backend-only kind', { ...ok, kind: 'log', level: 'info', message: 'x' }],
    ['an edge-only kind', { ...ok, kind: 'flag', feature: 'checkout', state: 'ok', from_state: 'down' }],
    ['a string ts', { ...ok, ts: 'yesterday', kind: 'track', name: 'x' }],
    ['an over-long message', { ...ok, kind: 'error', message: 'x'.repeat(LIMITS.message + 1) }],
    ['a nested prop', { ...ok, kind: 'track', name: 'x', props: { a: { b: 1 } } }],
    ['a __proto__ prop', { ...ok, kind: 'track', name: 'x', props: JSON.parse('{"__proto__":1}') }],
    ['a constructor prop', { ...ok, kind: 'track', name: 'x', props: { constructor: 1 } }],
    ['too many props', { ...ok, kind: 'track', name: 'x', props: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }],
    ['an unknown vital', { ...ok, kind: 'vital', name: 'FID', value: 1 }],
    ['a bad feature name', { ...ok, kind: 'degrade', feature: 'Check Out', state: 'down', reason: 'flag' }],
  ])('refuses %s', (_why, event) => {
    expect(BrowserEvent.safeParse(event).success).toBe(false);
  });
});

describe('SdkBatch', () => {
  it('requires the protocol version, a key and 1..max events', () => {
    expect(SdkBatch.safeParse({ v: 1, key: 'pk', events: [{}] }).success).toBe(true);
    expect(SdkBatch.safeParse({ v: 2, key: 'pk', events: [{}] }).success).toBe(false);
    expect(SdkBatch.safeParse({ v: 1, events: [{}] }).success).toBe(false);
    expect(SdkBatch.safeParse({ v: 1, key: 'pk', events: [] }).success).toBe(false);
    expect(SdkBatch.safeParse({ v: 1, key: 'pk', events: new Array(LIMITS.sdkBatchEvents + 1).fill({}) }).success).toBe(false);
  });
});

describe('StoredEvent and CollectorBatch', () => {
  const stored = { ...ok, kind: 'track', name: 'x', project: 'demo', received_at: 1_700_000_000_500, country: 'US' };

  it('keeps both the event and its enrichment', () => {
    const parsed = StoredEvent.parse(stored);
    expect(parsed).toMatchObject({ kind: 'track', name: 'x', project: 'demo', received_at: 1_700_000_000_500 });
  });

  it('refuses a batch with any bad event', () => {
    const batch = { v: 1, batch_id: id, events: [stored, { ...stored, event_id: 'nope' }] };
    expect(CollectorBatch.safeParse(batch).success).toBe(false);
    expect(CollectorBatch.safeParse({ ...batch, events: [stored] }).success).toBe(true);
  });

  it('refuses an event without a project', () => {
    const { project: _p, ...rest } = stored;
    expect(StoredEvent.safeParse(rest).success).toBe(false);
  });
});

describe('TimelineQuery', () => {
  it('takes exactly one ID', () => {
    expect(TimelineQuery.safeParse({ session_id: 's' }).success).toBe(true);
    expect(TimelineQuery.safeParse({}).success).toBe(false);
    expect(TimelineQuery.safeParse({ session_id: 's', request_id: 'r' }).success).toBe(false);
    expect(TimelineQuery.parse({ request_id: 'r', limit: '5' }).limit).toBe(5);
  });
});
