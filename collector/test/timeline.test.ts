import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchAck, TimelineResponse, type StoredEvent } from '@lifeline/protocol';
import { openCollector, type Collector } from '../src/collector';
import { T0, TOKENS, auth, countRows, makeBatch, makeEvent, postBatch, tempDir, testConfig } from './helpers';

const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

async function timeline(query: string, token: string = TOKENS.demo): Promise<TimelineResponse> {
  const res = await collector.app.request(`/v1/timeline?${query}`, { headers: auth(token) });
  expect(res.status).toBe(200);
  return TimelineResponse.parse(await res.json());
}

async function store(events: StoredEvent[]) {
  const batch = makeBatch(events);
  const res = await postBatch(collector.app, batch);
  expect(res.status).toBe(200);
  expect(BatchAck.parse(await res.json())).toEqual({ batch_id: batch.batch_id, stored: events.length });
  return batch;
}

const ids = (r: TimelineResponse) => r.events.map((e) => e.event_id);

describe('timeline', () => {
  it('finds a stored batch by session_id and by request_id, oldest first', async () => {
    const session = `s-${randomUUID()}`;
    const request = `r-${randomUUID()}`;
    const a = makeEvent('pageview', { session_id: session, ts: T0 + 1 });
    const b = makeEvent('network', { session_id: session, request_id: request, ts: T0 + 2, status: 502 });
    const c = makeEvent('log', { request_id: request, ts: T0 + 3, service: 'orders' });
    const d = makeEvent('error', { session_id: session, request_id: request, ts: T0 + 4 });
    // Sent out of order: the timeline orders by ts, not by arrival.
    await store([d, b, c, a]);

    expect(ids(await timeline(`session_id=${session}`))).toEqual([a, b, d].map((e) => e.event_id));
    expect(ids(await timeline(`request_id=${request}`))).toEqual([b, c, d].map((e) => e.event_id));
    expect((await timeline(`session_id=${session}`)).project).toBe('demo');
  });

  it('finds events by user_id, order_id and trace_id, and honours limit', async () => {
    const user = `u-${randomUUID()}`;
    const order = `o-${randomUUID()}`;
    const trace = randomUUID().replaceAll('-', '');
    const events = [1, 2, 3].map((i) => makeEvent('track', { user_id: user, order_id: order, trace_id: trace, ts: T0 + i }));
    await store(events);
    for (const q of [`user_id=${user}`, `order_id=${order}`, `trace_id=${trace}`]) {
      expect(ids(await timeline(q))).toEqual(events.map((e) => e.event_id));
    }
    expect(ids(await timeline(`user_id=${user}&limit=2`))).toEqual(events.slice(0, 2).map((e) => e.event_id));
  });

  it('returns every kind in its wire shape: optional fields omitted, props parsed, times in ms', async () => {
    const session = `s-${randomUUID()}`;
    const s = { session_id: session };
    const events = [
      makeEvent('pageview', { ...s, ts: T0 + 1, referrer: 'https://search.test/', title: 'Shop', country: 'DE', user_agent: 'UA/1' }),
      makeEvent('track', { ...s, ts: T0 + 2, props: { sku: 'T1', qty: 2, gift: false, note: null } }),
      makeEvent('track', { ...s, ts: T0 + 3, props: {} }),
      makeEvent('error', {
        ...s, ts: T0 + 4, error_type: 'TypeError', stack: 'TypeError: x\n  at f', handled: false, mechanism: 'onerror',
        frames: [{ fn: 'f', file: 'app.js', line: 1, col: 2 }], fingerprint: 'fp1', props: { route: '/cart' },
      }),
      makeEvent('vital', { ...s, ts: T0 + 5, name: 'CLS', value: 0, rating: 'good', nav_type: 'navigate', target: '#hero' }),
      makeEvent('network', { ...s, ts: T0 + 6, status: 0, duration_ms: 0, message: 'timeout' }),
      makeEvent('log', { ...s, ts: T0 + 7, level: 'warn', service: 'payments', props: { gateway: 'b' } }),
      makeEvent('degrade', { ...s, ts: T0 + 8, message: 'Checkout is resting' }),
      makeEvent('flag', { ...s, ts: T0 + 9, actor: 'ops-alice', release: '1.2.3', environment: 'prod' }),
      makeEvent('error', { ...s, ts: T0 + 10, message: '', handled: true }),
    ];
    await store(events);
    expect((await timeline(`session_id=${session}`)).events).toEqual(events);
  });

  it('shows each event once when the same batch is posted twice', async () => {
    const session = `s-${randomUUID()}`;
    const events = [1, 2, 3].map((i) => makeEvent('track', { session_id: session, ts: T0 + i }));
    const batch = makeBatch(events);
    for (let i = 0; i < 2; i++) expect((await postBatch(collector.app, batch)).status).toBe(200);
    expect(ids(await timeline(`session_id=${session}`))).toEqual(events.map((e) => e.event_id));
  });

  it('shows each event once even when unmerged duplicate rows are on disk', async () => {
    const { client, database } = collector.storage;
    // Keep ReplacingMergeTree from collapsing the copies, so the query's own de-duplication is what is tested.
    await client.command({ query: `SYSTEM STOP MERGES ${database}.events` });
    try {
      const session = `s-${randomUUID()}`;
      const events = [1, 2].map((i) => makeEvent('track', { session_id: session, ts: T0 + i }));
      const before = await countRows(collector.storage);
      await store(events);
      // A retry through the edge re-enriches (new received_at, new batch_id): a different
      // insert block, so block de-duplication does not drop it.
      await store(events.map((e) => ({ ...e, received_at: e.received_at + 5 })));
      expect(await countRows(collector.storage)).toBe(before + 4);
      expect(ids(await timeline(`session_id=${session}`))).toEqual(events.map((e) => e.event_id));
    } finally {
      await client.command({ query: `SYSTEM START MERGES ${database}.events` });
    }
  });

  it('does not show events of another project', async () => {
    const session = `s-${randomUUID()}`;
    await store([makeEvent('track', { session_id: session }), makeEvent('track', { session_id: session, project: 'other' })]);
    const demo = await timeline(`session_id=${session}`, TOKENS.demo);
    const other = await timeline(`session_id=${session}`, TOKENS.other);
    expect(demo.events.map((e) => e.project)).toEqual(['demo']);
    expect(other.project).toBe('other');
    expect(other.events.map((e) => e.project)).toEqual(['other']);
    expect(ids(demo)).not.toEqual(ids(other));
  });

  it('treats IDs as data, not SQL', async () => {
    const session = `s'; DROP TABLE events; --{id:String}\\`;
    const event = makeEvent('track', { session_id: session });
    await store([event]);
    expect(ids(await timeline(`session_id=${encodeURIComponent(session)}`))).toEqual([event.event_id]);
  });
});
