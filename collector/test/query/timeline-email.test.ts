import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, QueryTimelineResponse, type StoredEvent } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../src/collector';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { TOKENS, auth, tempDir, testConfig } from '../helpers';
import { DAY, HOUR, NOW, at } from './store';

/** What the store sends with `identify`: the SHA-256 of the trimmed, lower-cased email, computed here independently. */
const sha = (email: string) => createHash('sha256').update(email).digest('hex');
const ADA = sha('ada@example.com');
const BOB = sha('bob@example.com');

const T = NOW - 6 * HOUR;
const identify = (ts: number, user_id: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  at(ts, 'track', { name: 'identify', user_id, session_id: `s-${user_id}-${ts}`, props, ...extra });

const ev = {
  // Ada signed in under an old account 60 days ago (beyond the 30-day range) and under a
  // new one today; both accounts browsed within the range.
  adaOldIdentify: identify(NOW - 60 * DAY, 'u-ada-old', { email_sha256: ADA, plan: 'free' }),
  adaOldVisit: at(T, 'pageview', { user_id: 'u-ada-old', session_id: 's-ada-old', url: 'https://shop.test/' }),
  adaOldVisitLog: at(T + 500, 'log', { request_id: 'r-ada-old', level: 'info', message: 'response 200 GET /api/cart' }),
  adaOldCall: at(T + 600, 'network', { user_id: 'u-ada-old', session_id: 's-ada-old', request_id: 'r-ada-old', method: 'GET', url: '/api/cart', status: 200, duration_ms: 20 }),
  adaNewIdentify: identify(T + HOUR, 'u-ada', { email_sha256: ADA }, { session_id: 's-ada' }),
  adaNewView: at(T + HOUR + 1000, 'track', { user_id: 'u-ada', session_id: 's-ada', name: 'view_product', props: { product_id: 'tee-rose' } }),
  // Same session before sign-in: no user ID, but the session is read whole.
  adaAnonymous: at(T + HOUR - 5000, 'pageview', { session_id: 's-ada', url: 'https://shop.test/login' }),
  bobIdentify: identify(T + 2 * HOUR, 'u-bob', { email_sha256: BOB }, { session_id: 's-bob' }),
  bobView: at(T + 2 * HOUR + 1000, 'pageview', { user_id: 'u-bob', session_id: 's-bob', url: 'https://shop.test/' }),
  // Ada's hash in some other trait is not an identification.
  wrongTrait: identify(T + 3 * HOUR, 'u-mallory', { note: ADA }),
  // Nor is another project's.
  otherProject: identify(T, 'u-other', { email_sha256: ADA }, { project: 'other' }),
};

const dir = tempDir();
let collector: Collector;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
  await insertEvents(collector.storage, Object.values(ev).map(eventToRow));
  // A retried copy counts once.
  await insertEvents(collector.storage, [ev.adaNewIdentify].map(eventToRow));
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

async function lookup(params: Record<string, string>, token: string = TOKENS.demo) {
  const res = await collector.app.request(`/v1/query/timeline?${new URLSearchParams(params)}`, { headers: auth(token) });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function timeline(params: Record<string, string>, token?: string): Promise<QueryTimelineResponse> {
  const r = await lookup(params, token);
  expect(r.status).toBe(200);
  return QueryTimelineResponse.parse(r.body);
}

const idsOf = (events: StoredEvent[]) => events.map((e) => e.event_id).sort();

describe('timeline by email', () => {
  it('finds the users identified with the email’s hash, the most recent first, with their whole sessions', async () => {
    const r = await timeline({ by: 'email', id: 'ada@example.com' });
    expect(r).toMatchObject({ by: 'email', id: 'ada@example.com', user_ids: ['u-ada', 'u-ada-old'], truncated: false });
    expect(idsOf(r.events)).toEqual(
      idsOf([ev.adaOldVisit, ev.adaOldVisitLog, ev.adaOldCall, ev.adaNewIdentify, ev.adaNewView, ev.adaAnonymous]),
    );
    expect(r.via[ev.adaNewView.event_id]).toBe('match');
    expect(r.via[ev.adaAnonymous.event_id]).toBe('session');
    expect(r.via[ev.adaOldVisitLog.event_id]).toBe('request');
    expect(r.sessions.sort()).toEqual(['s-ada', 's-ada-old']);
  });

  it.each([
    ['upper case', 'Ada@Example.COM'],
    ['surrounding white space', '  ada@example.com\t'],
    ['both', ' ADA@EXAMPLE.COM '],
  ])('normalizes %s before hashing', async (_why, email) => {
    const r = await timeline({ by: 'email', id: email });
    expect(r.id).toBe('ada@example.com');
    expect(r.user_ids).toEqual(['u-ada', 'u-ada-old']);
    expect(r.events.length).toBe(6);
  });

  it('keeps emails apart, and matches only the email trait of the token’s project', async () => {
    const bob = await timeline({ by: 'email', id: 'bob@example.com' });
    expect(bob.user_ids).toEqual(['u-bob']);
    expect(idsOf(bob.events)).toEqual(idsOf([ev.bobIdentify, ev.bobView]));
    const other = await timeline({ by: 'email', id: 'ada@example.com' }, TOKENS.other);
    expect(other.user_ids).toEqual(['u-other']);
    expect(idsOf(other.events)).toEqual(idsOf([ev.otherProject]));
  });

  it('answers 200 with no events for an email nobody was identified with, like an unknown ID', async () => {
    const r = await timeline({ by: 'email', id: 'nobody@example.com' });
    expect(r).toMatchObject({ by: 'email', user_ids: [], events: [], sessions: [], request_ids: [] });
    expect((await timeline({ by: 'user', id: 'u-nobody' })).events).toEqual([]);
  });

  it('takes an email address for an ID nothing else carries when by is auto', async () => {
    const r = await timeline({ id: 'Ada@Example.com' });
    expect(r.by).toBe('email');
    expect(r.user_ids).toEqual(['u-ada', 'u-ada-old']);
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada @example.com', 'ada@@example.com', 'u-ada'])('refuses %j with 400 naming the problem', async (id) => {
    const r = await lookup({ by: 'email', id });
    expect(r.status).toBe(400);
    const body = ErrorResponse.parse(r.body);
    expect(body.error).toBe('invalid_query');
    expect(body.reason).toBe('id: expected an email address, like ada@example.com');
  });
});
