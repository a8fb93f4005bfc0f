import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorsQuery } from '@lifeline/protocol';
import { DAY, HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
const D = (daysAgo: number, h = 12) => Math.floor((NOW - daysAgo * DAY) / DAY) * DAY + h * HOUR;
const fpA = (ts: number, extra: Record<string, unknown>) =>
  at(ts, 'error', { fingerprint: 'fp-a', error_type: 'TypeError', message: 'TypeError: rows is undefined', stack: 'TypeError: rows is undefined\n    at openSizeGuide (store.js:10:5)', ...extra });

const e1 = fpA(D(3), { user_id: 'u1', session_id: 's1', release: '1.0' });
const events = [
  e1,
  fpA(D(3, 13), { user_id: 'u1', session_id: 's2', release: '1.0' }),
  fpA(D(2), { user_id: 'u2', session_id: 's3', release: '1.0' }),
  fpA(D(1), { anon_id: 'an-4', session_id: 's4', release: '1.1' }),
  fpA(D(1, 14), { session_id: 's5', release: '1.1', request_id: 'r-5', url: 'https://shop.test/product/tee-rose' }),
  // The same group three weeks ago: before the range, but its first sighting.
  fpA(D(20), { user_id: 'u9', session_id: 's-old' }),
  at(D(2), 'error', { error_type: 'Error', message: 'Error: Order 8812 not found', session_id: 's6' }),
  at(D(1), 'error', { error_type: 'Error', message: 'Error: Order 9913 not found', session_id: 's7' }),
  at(D(1), 'error', { message: 'Script error.', session_id: 's8' }),
];

/** Another project's group that hit 25 users, one an hour, u-0 first. */
const many = Array.from({ length: 25 }, (_, i) =>
  at(D(2, 0) + i * HOUR, 'error', { project: 'other', fingerprint: 'fp-many', message: 'boom', user_id: `u-${i}`, session_id: `s-many-${i}` }),
);

beforeAll(async () => {
  store = await openTestStore();
  await store.storage.client.command({ query: `SYSTEM STOP MERGES ${store.storage.database}.events` });
  await store.insert([...events, ...many]);
  await store.insert([e1]);
});
afterAll(async () => {
  await store?.close();
});

const errors = (params: Record<string, string> = {}) => store.queries.errors('demo', ErrorsQuery.parse(params));

describe('error groups', () => {
  it('groups by fingerprint, else by type and message with numbers replaced, most frequent first', async () => {
    const r = await errors();
    expect(r.groups.map((g) => [g.key, g.count, g.users, g.sessions])).toEqual([
      ['fp-a', 5, 3, 5],
      ['Error: Error: Order {n} not found', 2, 0, 2],
      ['Error: Script error.', 1, 0, 1],
    ]);
  });

  it('gives first and last seen, releases newest first, and the latest occurrence for the timeline link', async () => {
    const [a] = (await errors()).groups;
    expect(a).toMatchObject({
      fingerprint: 'fp-a',
      error_type: 'TypeError',
      message: 'TypeError: rows is undefined',
      first_seen: D(20),
      last_seen: D(1, 14),
      releases: ['1.1', '1.0'],
    });
    expect(a!.sample).toMatchObject({ ts: D(1, 14), session_id: 's5', request_id: 'r-5', url: 'https://shop.test/product/tee-rose' });
    expect(a!.sample.stack).toContain('openSizeGuide');
  });

  it('gives a trend per bucket for sparklines', async () => {
    const r = await errors({ from: String(D(3, 0)), to: String(D(0, 0)), interval: 'day' });
    expect(r.buckets).toEqual([D(3, 0), D(2, 0), D(1, 0)]);
    expect(r.groups.find((g) => g.key === 'fp-a')?.trend).toEqual([2, 1, 2]);
  });

  it('lists who each group hit, the most recently hit first: users, or anonymous visitors by anon_id', async () => {
    const [a, order, script] = (await errors()).groups;
    expect(a!.affected_users).toEqual([
      { id: 'an-4', anonymous: true, count: 1, last_seen: D(1), session_id: 's4' },
      { id: 'u2', anonymous: false, count: 1, last_seen: D(2), session_id: 's3' },
      // u1's first error was sent twice: counted once. Its latest session is given.
      { id: 'u1', anonymous: false, count: 2, last_seen: D(3, 13), session_id: 's2' },
    ]);
    // Errors with neither a user nor a visitor ID name nobody.
    expect(order!.affected_users).toEqual([]);
    expect(script!.affected_users).toEqual([]);
    // Within the range and release asked for only.
    const [onlyNew] = (await errors({ release: '1.0' })).groups;
    expect(onlyNew!.affected_users.map((u) => u.id)).toEqual(['u2', 'u1']);
  });

  it('lists at most 20 affected users, the most recent, while counting them all', async () => {
    const [g] = (await store.queries.errors('other', ErrorsQuery.parse({}))).groups;
    expect(g!.users).toBe(25);
    expect(g!.affected_users.map((u) => u.id)).toEqual(Array.from({ length: 20 }, (_, i) => `u-${24 - i}`));
    expect(g!.affected_users[0]).toEqual({ id: 'u-24', anonymous: false, count: 1, last_seen: D(2, 0) + 24 * HOUR, session_id: 's-many-24' });
  });

  it('filters by release and limits the groups', async () => {
    expect((await errors({ release: '1.1' })).groups.map((g) => [g.key, g.count])).toEqual([['fp-a', 2]]);
    expect((await errors({ limit: '1' })).groups).toHaveLength(1);
  });
});
