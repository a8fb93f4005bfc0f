import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboardIfStale, listen } from '../dashboard/support';
import { CREDS, ENDPOINTS, openSecurityCollector, requestFor, type Endpoint, type Kind } from './support';

/**
 * The collector talks to servers (the edge, backends, Prometheus, the CLI) and serves its
 * dashboard from its own origin, so no endpoint may let a page on another origin read an
 * answer: a preflight from a foreign origin is granted nothing, and a request carrying an
 * Origin header (with a valid token) is answered with no Access-Control-* header at all.
 * Checked on the app and through a real HTTP server, so the Node adapter adds none either.
 */

const ORIGINS = ['https://evil.test', 'null', 'http://127.0.0.1:4000'];
const TOKEN: Record<Kind, string | undefined> = {
  secret: CREDS.secret,
  ingest: CREDS.ingest.demo,
  read: CREDS.read.demo,
  admin: CREDS.admin,
  metrics: CREDS.metrics,
  public: undefined,
};

let s: Awaited<ReturnType<typeof openSecurityCollector>>;
let server: Awaited<ReturnType<typeof listen>>;
/** The dashboard's script and stylesheet, public like the page. */
let assets: string[] = [];

beforeAll(async () => {
  buildDashboardIfStale();
  s = await openSecurityCollector();
  server = await listen(s.collector.app);
  const html = await (await s.collector.app.request('/dashboard/')).text();
  assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]!);
});

afterAll(async () => {
  await server?.close();
  await s?.close();
});

/** Every Access-Control-* header of an answer. */
const corsHeaders = (headers: Headers | Record<string, string | string[] | undefined>) =>
  (headers instanceof Headers ? [...headers.keys()] : Object.keys(headers)).filter((name) => name.toLowerCase().startsWith('access-control-'));

/** A preflight the browser would send before `method` on `path` from `origin`. */
const preflightHeaders = (origin: string, method: string) => ({
  origin,
  'access-control-request-method': method,
  'access-control-request-headers': 'authorization,content-type',
});

/** The same over a real socket: status and raw headers. */
function overHttp(path: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const all: Endpoint[] = [
  ...ENDPOINTS,
  { method: 'GET', path: '/dashboard', kind: 'public' },
  // Filled in once the page is read: the built asset names are hashed.
];
const label = (e: Endpoint) => `${e.method} ${e.path.split('?')[0]}`;

describe('preflights from another origin are granted nothing', () => {
  it.each(all.flatMap((e) => ORIGINS.map((origin) => ({ e, origin, name: label(e) }))))('$name from $origin', async ({ e, origin }) => {
    const res = await s.collector.app.request(e.path, { method: 'OPTIONS', headers: preflightHeaders(origin, e.method) });
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(res.status).toBeGreaterThanOrEqual(400);
    await res.body?.cancel();
  });

  it.each(all.map((e) => ({ e, name: label(e) })))('$name over HTTP', async ({ e }) => {
    const res = await overHttp(e.path, 'OPTIONS', preflightHeaders('https://evil.test', e.method));
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('the dashboard assets too', async () => {
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const path of assets) {
      const res = await overHttp(path, 'OPTIONS', preflightHeaders('https://evil.test', 'GET'));
      expect(corsHeaders(res.headers), path).toEqual([]);
    }
  });
});

describe('answers to a request with an Origin carry no CORS header, even when let in', () => {
  it.each(all.flatMap((e) => ORIGINS.map((origin) => ({ e, origin, name: label(e) }))))('$name from $origin', async ({ e, origin }) => {
    const token = TOKEN[e.kind];
    const [path, init] = requestFor(e, { origin, ...(token ? { authorization: `Bearer ${token}` } : {}) });
    const res = await s.collector.app.request(path, init);
    // Let in (the dashboard redirects to its page), so the headers checked are those of a real answer.
    expect(res.status, await res.clone().text()).toBeLessThan(400);
    expect(corsHeaders(res.headers)).toEqual([]);
    await res.body?.cancel();
  });

  it.each(all.filter((e) => e.method === 'GET').map((e) => ({ e, name: label(e) })))('$name over HTTP', async ({ e }) => {
    const token = TOKEN[e.kind];
    const res = await overHttp(e.path, 'GET', { origin: 'https://evil.test', ...(token ? { authorization: `Bearer ${token}` } : {}) });
    expect(res.status).toBeLessThan(400);
    expect(corsHeaders(res.headers)).toEqual([]);
  });

  it('nor do refusals and the dashboard page and assets', async () => {
    const refused = await overHttp('/v1/query/metrics', 'GET', { origin: 'https://evil.test', authorization: 'Bearer nope' });
    expect(refused.status).toBe(403);
    expect(corsHeaders(refused.headers)).toEqual([]);
    for (const path of ['/dashboard/', ...assets]) {
      const res = await overHttp(path, 'GET', { origin: 'https://evil.test' });
      expect(res.status, path).toBe(200);
      expect(corsHeaders(res.headers), path).toEqual([]);
    }
  });

  it('covers every route the collector serves', () => {
    const served = new Set(s.collector.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const covered = new Set([...all.map(label), 'GET /dashboard/assets/:name']);
    expect([...served].filter((r) => !covered.has(r))).toEqual([]);
  });
});
