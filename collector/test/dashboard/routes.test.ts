import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardAnnotationsResponse, DashboardFlagsResponse, ErrorResponse, type StoredEvent } from '@lifeline/protocol';
import { createDashboardRoutes } from '../../src/dashboard/routes';
import type { Storage } from '../../src/storage/open-storage';
import { DAY, HOUR, NOW, openTestStorage, store } from '../alerts/support';

let storage: Storage;
let close: () => Promise<void>;
const assets = mkdtempSync(join(tmpdir(), 'lifeline-dashboard-assets-'));
const readTokens = new Map([['rt_demo', 'demo'], ['rt_other', 'other']]);
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const flag = (ts: number, feature: string, from_state: string, state: string, extra: Record<string, unknown> = {}): StoredEvent =>
  ({ kind: 'flag', event_id: randomUUID(), ts, received_at: ts, project: 'demo', feature, from_state, state, ...extra }) as StoredEvent;
const pageview = (ts: number, release: string): StoredEvent =>
  ({ kind: 'pageview', event_id: randomUUID(), ts, received_at: ts, project: 'demo', url: 'https://shop.test/', release }) as StoredEvent;

/** A stand-in edge answering `GET /v1/status?key=` as the real one does. */
let edge: { url: string; keys: string[]; status: number; close: () => Promise<void> };

beforeAll(async () => {
  ({ storage, close } = await openTestStorage());
  const degradedAt = NOW - 2 * HOUR;
  await store(storage, [
    flag(NOW - 3 * DAY, 'checkout', 'ok', 'down', { actor: 'ops-alice', message: 'Checkout is resting' }),
    flag(degradedAt, 'checkout', 'down', 'degraded', { actor: 'ops-bob', message: 'Payments are slow' }),
    flag(NOW - 5 * HOUR, 'search', 'ok', 'down'),
    flag(NOW - 4 * HOUR, 'search', 'down', 'ok'),
    pageview(NOW - 10 * DAY, 'demo@1.4.0'),
    pageview(NOW - 2 * DAY, 'demo@1.4.0'),
    pageview(NOW - DAY, 'demo@1.5.0'),
  ]);
  mkdirSync(join(assets, 'assets'));
  writeFileSync(join(assets, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(assets, 'assets', 'app-abc.js'), 'console.log(1)');
  writeFileSync(join(assets, 'secret.txt'), 'not an asset');

  const keys: string[] = [];
  const state = { status: 200 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://edge');
    keys.push(url.searchParams.get('key') ?? '');
    const project = url.searchParams.get('key') === 'pk_demo' ? 'demo' : 'other';
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ v: 1, project, version: 7, updated_at: NOW, flags: { checkout: { state: 'degraded', message: 'Payments are slow' }, payments: { state: 'ok' } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  edge = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    get status() { return state.status; },
    set status(s) { state.status = s; },
    close: () => new Promise((r) => server.close(() => r())),
  };
});
afterAll(async () => {
  await edge?.close();
  await close?.();
  rmSync(assets, { recursive: true, force: true });
});

const app = (extra: Partial<Parameters<typeof createDashboardRoutes>[0]> = {}) => createDashboardRoutes({ storage, readTokens, assetsDir: assets, ...extra });

describe('dashboard page and assets', () => {
  it('serves the page without a token, with a strict content security policy', async () => {
    expect((await app().request('/dashboard')).headers.get('location')).toBe('/dashboard/');
    const res = await app().request('/dashboard/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'; .*connect-src 'self'/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves hashed assets as immutable', async () => {
    const res = await app().request('/dashboard/assets/app-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    expect(await res.text()).toBe('console.log(1)');
  });

  it.each([
    ['a missing asset', '/dashboard/assets/nope.js'],
    ['a path out of the folder', '/dashboard/assets/..%2Fsecret.txt'],
    ['a file type it does not serve', '/dashboard/assets/app-abc.txt'],
  ])('answers 404 for %s', async (_why, path) => {
    const res = await app().request(path);
    expect(res.status).toBe(404);
    ErrorResponse.parse(await res.json());
  });

  it('says how to build the page when it is not built', async () => {
    const res = await app({ assetsDir: join(assets, 'nothing-here') }).request('/dashboard/');
    expect(res.status).toBe(503);
    expect(ErrorResponse.parse(await res.json()).reason).toMatch(/npm run build -w collector/);
  });
});

describe('dashboard API', () => {
  it.each([
    [undefined, 401],
    ['rt_wrong', 403],
    ['rt_demo', 200],
  ])('GET /v1/dashboard/session with %s → %i', async (token, status) => {
    const res = await app().request('/v1/dashboard/session', { headers: token ? bearer(token) : {} });
    expect(res.status).toBe(status);
    if (status === 200) expect(await res.json()).toEqual({ project: 'demo' });
  });

  it('reads each feature\'s flag from its latest flag event when no edge is configured', async () => {
    const f = DashboardFlagsResponse.parse(await (await app().request('/v1/dashboard/flags', { headers: bearer('rt_demo') })).json());
    expect(f.source).toBe('events');
    expect(f.flags).toEqual([
      { feature: 'checkout', state: 'degraded', message: 'Payments are slow', since: NOW - 2 * HOUR, actor: 'ops-bob' },
      { feature: 'search', state: 'ok', since: NOW - 4 * HOUR },
    ]);
    const other = DashboardFlagsResponse.parse(await (await app().request('/v1/dashboard/flags', { headers: bearer('rt_other') })).json());
    expect(other.flags).toEqual([]);
  });

  it('reads live flags from the edge when configured, with when and who from the flag events', async () => {
    const f = DashboardFlagsResponse.parse(await (await app({ edge: { url: edge.url, publicKey: 'pk_demo' } }).request('/v1/dashboard/flags', { headers: bearer('rt_demo') })).json());
    expect(edge.keys.at(-1)).toBe('pk_demo');
    expect(f).toEqual({
      project: 'demo',
      source: 'edge',
      flags: [
        { feature: 'checkout', state: 'degraded', message: 'Payments are slow', since: NOW - 2 * HOUR, actor: 'ops-bob' },
        { feature: 'payments', state: 'ok' },
      ],
    });
  });

  it.each([
    ['the edge fails', 'pk_demo', 503, /the edge answered HTTP 503/],
    ['the key belongs to another project', 'pk_other', 200, /LIFELINE_PUBLIC_KEY belongs to project "other"/],
  ])('falls back to the flag events, saying why, when %s', async (_why, key, status, reason) => {
    edge.status = status;
    try {
      const f = DashboardFlagsResponse.parse(await (await app({ edge: { url: edge.url, publicKey: key } }).request('/v1/dashboard/flags', { headers: bearer('rt_demo') })).json());
      expect(f.source).toBe('events');
      expect(f.edge_error).toMatch(reason);
      expect(f.flags.map((x) => x.feature)).toEqual(['checkout', 'search']);
    } finally {
      edge.status = 200;
    }
  });

  it('lists the flag flips and new releases of a range', async () => {
    const res = await app().request(`/v1/dashboard/annotations?from=${NOW - 3 * DAY - HOUR}&to=${NOW}`, { headers: bearer('rt_demo') });
    const a = DashboardAnnotationsResponse.parse(await res.json());
    expect(a.flags.map((f) => [f.feature, f.from_state, f.state])).toEqual([
      ['checkout', 'ok', 'down'],
      ['search', 'ok', 'down'],
      ['search', 'down', 'ok'],
      ['checkout', 'down', 'degraded'],
    ]);
    // demo@1.4.0 was first seen before the range: only demo@1.5.0 is new in it.
    expect(a.releases).toEqual([{ release: 'demo@1.5.0', first_seen: NOW - DAY }]);
  });

  it.each([
    ['a malformed time', 'from=yesterday'],
    ['from after to', `from=${NOW}&to=${NOW - DAY}`],
    ['an unknown parameter', 'since=1'],
  ])('refuses annotations for %s', async (_why, query) => {
    const res = await app().request(`/v1/dashboard/annotations?${query}`, { headers: bearer('rt_demo') });
    expect(res.status).toBe(400);
  });
});
