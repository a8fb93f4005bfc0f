import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchQuery, type SearchResponse } from '@lifeline/protocol';
import { QueryParamError } from '../../src/query/range';
import { HOUR, NOW, at, openTestStore, type TestStore } from './store';

let store: TestStore;
const ev = {
  timeout: at(NOW - 5 * HOUR, 'error', { message: 'Gateway stripe-sim TIMED OUT after 2500 ms', session_id: 's1' }),
  refused: at(NOW - 4 * HOUR, 'log', { level: 'error', message: 'gateway adyen-sim failed: connection refused' }),
  call: at(NOW - 3 * HOUR, 'network', { method: 'POST', url: 'https://shop.test/api/pay?attempt=2', status: 503, duration_ms: 10 }),
  stack: at(NOW - 2 * HOUR, 'error', { message: 'TypeError: rows', stack: 'TypeError: rows\n    at openSizeGuide (store.js:10:5)' }),
  old: at(NOW - 30 * 24 * HOUR, 'error', { message: 'gateway timed out long ago' }),
};

beforeAll(async () => {
  store = await openTestStore();
  await store.insert(Object.values(ev));
  await store.insert([ev.refused]);
});
afterAll(async () => {
  await store?.close();
});

const search = (params: Record<string, string>) => store.queries.search('demo', SearchQuery.parse(params));
const names = (r: SearchResponse) => r.events.map((e) => Object.entries(ev).find(([, x]) => x.event_id === e.event_id)?.[0]);

describe('search', () => {
  it('finds a substring in any case, newest first, within the range', async () => {
    expect(names(await search({ q: 'timed out' }))).toEqual(['timeout']);
    expect(names(await search({ q: 'timed out', from: 'now-40d' }))).toEqual(['timeout', 'old']);
    expect(names(await search({ q: 'SIM' }))).toEqual(['refused', 'timeout']);
  });

  it('matches an RE2 expression, case-sensitive unless (?i)', async () => {
    expect(names(await search({ re: 'gateway (stripe|adyen)-sim' }))).toEqual(['refused']);
    expect(names(await search({ re: '(?i)^gateway (stripe|adyen)-sim' }))).toEqual(['refused', 'timeout']);
    expect(names(await search({ re: 'store\\.js:\\d+:\\d+' }))).toEqual(['stack']);
  });

  it('looks only in the fields and kinds asked for', async () => {
    expect(names(await search({ q: 'attempt=2' }))).toEqual(['call']);
    expect(names(await search({ q: 'openSizeGuide', fields: 'message' }))).toEqual([]);
    expect(names(await search({ q: 'openSizeGuide', fields: 'stack' }))).toEqual(['stack']);
    expect(names(await search({ q: 'sim', kinds: 'log' }))).toEqual(['refused']);
  });

  it('takes a code point written \\x{…}, not counting it as a repetition', async () => {
    await expect(search({ re: '\\x{2000}|gateway' })).resolves.toBeDefined();
  });

  it('honours limit and says when more matched', async () => {
    const r = await search({ q: 'a', limit: '2' });
    expect(r.events).toHaveLength(2);
    expect(r.truncated).toBe(true);
  });

  it.each([
    ['a backreference', '(a)\\1', /backreferences/],
    ['a lookahead', 'pay(?=ment)', /lookahead/],
    ['nested counted repetition', '((a{100}){100}){100}', /past 1000/],
    ['a syntax error', 'gateway (stripe', /not a valid RE2 expression/],
    ['a code point past Unicode', '\\x{110000}', /not a valid RE2 expression/],
  ])('refuses %s before scanning', async (_why, re, message) => {
    const error = await search({ re }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryParamError);
    expect((error as Error).message).toMatch(message);
  });
});
