import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AlertHistoryResponse, AnomaliesResponse, BREAKDOWNS, DashboardAnnotationsResponse, DashboardFlagsResponse, DashboardSessionResponse, DeadLetterResponse,
  ErrorsResponse, EVENT_KINDS, FUNNEL_BY, FunnelResponse, METRICS, MetricsResponse, QueryTimelineResponse, RedResponse, SEARCH_FIELDS, SearchResponse,
  TIMELINE_BY, TimelineResponse, VITAL_NAMES, VitalsResponse,
} from '@lifeline/protocol';
import { INGEST_TOKENS, SECRET, TOKENS, makeBatch, makeEvent, postBatch } from '../../helpers';
import {
  NASTY, POLLUTING_KEYS, asStored, authorizationFor, encode, expectCleanAnswer, expectPrototypesUntouched, expectStorageHolds, hostileString, openFuzzCollector, params,
  runs, storageCounts, timeoutFor, type FuzzCollector,
} from './support';

/**
 * Every read endpoint (`GET /v1/timeline`, each `GET /v1/query/*`, the alert history and
 * dead letters, the dashboard's own answers) under hostile query strings and headers.
 * Every answer is a 200 whose body is the endpoint's response for the token's project, or
 * a 4xx with a reason; nothing a read does changes storage.
 */

let f: FuzzCollector;
const acknowledged = new Set<string>();
let rows = 0;

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Events for both projects over the last days, so that valid queries read real rows. */
function seed(project: string) {
  const now = Date.now();
  const events = [];
  for (let i = 0; i < 40; i++) {
    const ts = now - (i % 10) * DAY - (i % 7) * HOUR - 60_000;
    const at = { ts, received_at: ts + 100, project, session_id: `s-${project}-${i % 6}`, request_id: `r-${i}`, user_id: `u-${i % 4}`, release: `1.${i % 3}`, url: `https://shop.test/p/${i % 5}` };
    events.push(
      makeEvent('pageview', at),
      makeEvent('track', { ...at, name: ['view_product', 'add_to_cart', 'purchase', 'sign_up'][i % 4], props: { revenue: i, product_id: `tee-${i % 3}` }, order_id: `o-${i}` }),
      makeEvent('error', { ...at, message: `TypeError: x is undefined at ${i % 3}`, stack: 'at f (a.js:1:2)', fingerprint: i % 2 ? `fp-${i % 3}` : '' }),
      makeEvent('vital', { ...at, name: VITAL_NAMES[i % VITAL_NAMES.length], value: 100 * i }),
      makeEvent('network', { ...at, method: 'POST', url: `/api/pay/${i}`, status: i % 5 ? 200 : 503, duration_ms: 10 * i, trace_id: (i * 7919).toString(16).padStart(32, '0') }),
      makeEvent('log', { ...at, level: i % 3 ? 'info' : 'error', message: `payment ${i}`, service: 'orders' }),
      makeEvent('degrade', { ...at, feature: 'checkout', state: 'degraded', reason: 'flag' }),
      makeEvent('flag', { ...at, feature: 'checkout', state: i % 2 ? 'down' : 'ok', from_state: 'degraded', actor: 'ops' }),
    );
  }
  return events;
}

beforeAll(async () => {
  f = await openFuzzCollector();
  for (const project of ['demo', 'other']) {
    const events = seed(project);
    const res = await postBatch(f.collector.app, makeBatch(events));
    expect(res.status).toBe(200);
    for (const e of events) acknowledged.add(e.event_id);
  }
  rows = (await storageCounts(f.collector)).rows;
});
afterEach(async () => {
  await expectStorageHolds(f, acknowledged);
  expect((await storageCounts(f.collector)).rows).toBe(rows);
});
afterAll(async () => {
  await f?.close();
  expectPrototypesUntouched();
});

const time = fc.oneof(
  fc.constantFrom('now', 'now-1h', 'now-7d', '-24h', '-30m', 'now-400d', 'now-401d', 'now-999999999w', '2026-01-01', '2026-11-14T14:00:00Z', '2026-11-14 14:00', '2026-11-14T14:00:00.123+05:30'),
  fc.integer({ min: 0, max: 2 ** 53 }).map(String),
  fc.constantFrom('0', '1', '9999999999999999', '99999999999999999', '8640000000000000', '10413791999999', '10413792000000', '2299-12-31T23:59:59.999Z', '2300-01-01', '1969-12-31T23:59:59Z'),
  fc.constantFrom('1e3', '-1', 'now+1d', '2026-02-30', '', ' now ', 'now-0ms', '-999999999w'),
);
const duration = fc.constantFrom('0ms', '1s', '30m', '1h', '1d', '7d', '90d', '91d', '999999999w', '1.5h', '-1h', 'h', '');
const bool = fc.constantFrom('true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'on', '');
const int = fc.oneof(fc.integer({ min: -5, max: 12_000 }).map(String), fc.constantFrom('1e3', '0x10', ' 5', '5.0', '5.5', 'Infinity', 'NaN', '-0', '', '99999999999999999999'));
const num = fc.oneof(fc.double({ noNaN: true }).map(String), int);
const oneOf = (values: readonly string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, fc.constantFrom('', values[0]!.toUpperCase(), `${values[0]},${values[0]}`));
const listOf = (values: readonly string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.subarray([...values], { minLength: 1 }).map((v) => v.join(',')) }, fc.constantFrom(',', ' , ', `${values[0]},${values[0]}`, 'nope', Array(40).fill('x').join(',')));
const text = fc.oneof({ weight: 3, arbitrary: hostileString }, fc.constantFrom('a'.repeat(129), 'a'.repeat(2049), 'x'.repeat(5000)));
const steps = fc.oneof(
  fc.constantFrom(
    'view_product,add_to_cart', 'view_product,add_to_cart[product_id=tee-1],purchase[revenue>=20;currency=EUR]', '"Order Completed"[plan="pro, yearly"],b',
    'a[b~x],c[d!=1],e[f<2],g[h<=3],i[j>4]', 'a,b,c,d,e,f,g,h,i,j,k', 'a', 'a,,b', 'a[', 'a[b=1', 'a[=1],b', 'a[b?1],b', 'a[b>x],b', '"unterminated,b', '"\\u0000",b', ',', '[]',
  ),
  fc.array(hostileString, { minLength: 2, maxLength: 4 }).map((s) => s.join(',')),
);
const regex = fc.constantFrom('timed out', '(a', '\\', '(?<=x)y', '.*', 'a{1000000}', '[[:alpha:]]', '\\p{L}+', '(?i)TYPEERROR', '((((((((((a))))))))))', '\u0000', '$^');

/** Each endpoint: its path, the parameters it takes with values that are mostly sensible, and its answer's schema. */
const ENDPOINTS: { path: string; params: Record<string, fc.Arbitrary<string>>; schema: z.ZodType }[] = [
  { path: '/v1/timeline', params: { session_id: text, request_id: text, user_id: text, order_id: text, trace_id: text, limit: int }, schema: TimelineResponse },
  {
    path: '/v1/query/funnel',
    params: { steps, from: time, to: time, window: duration, by: oneOf(FUNNEL_BY), order: oneOf(['sequential', 'strict']), breakdown: oneOf(BREAKDOWNS), breakdown_limit: int, compare: bool },
    schema: FunnelResponse,
  },
  {
    path: '/v1/query/metrics',
    params: { from: time, to: time, interval: oneOf(['hour', 'day']), tz: fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/St_Johns', 'Etc/GMT+12', 'Mars/Olympus', '../../etc', 'utc'), purchase_event: text, signup_event: text, revenue_prop: text, events: listOf(['purchase', 'add_to_cart', 'x']) },
    schema: MetricsResponse,
  },
  {
    path: '/v1/query/anomalies',
    params: { from: time, to: time, metrics: listOf([...METRICS, 'event:add_to_cart']), weeks: int, threshold: num, min_change: num, causes: bool, cause_limit: int, purchase_event: text, revenue_prop: text },
    schema: AnomaliesResponse,
  },
  { path: '/v1/query/errors', params: { from: time, to: time, release: text, limit: int, interval: oneOf(['hour', 'day']) }, schema: ErrorsResponse },
  { path: '/v1/query/search', params: { q: text, re: regex, fields: listOf(SEARCH_FIELDS), kinds: listOf(EVENT_KINDS), from: time, to: time, limit: int }, schema: SearchResponse },
  { path: '/v1/query/vitals', params: { from: time, to: time, interval: oneOf(['hour', 'day']), names: listOf(VITAL_NAMES), path: text, path_limit: int }, schema: VitalsResponse },
  { path: '/v1/query/red', params: { from: time, to: time, source: oneOf(['browser', 'backend', 'all']), path: text, limit: int }, schema: RedResponse },
  {
    path: '/v1/query/timeline',
    params: { id: fc.oneof(fc.constantFrom('s-demo-1', 'r-3', 'u-2', 'o-5', 's-other-1'), text), by: oneOf(TIMELINE_BY), related: bool, around: duration, from: time, to: time, limit: int },
    schema: QueryTimelineResponse,
  },
  { path: '/v1/alerts/history', params: { limit: int }, schema: AlertHistoryResponse },
  { path: '/v1/alerts/dead-letter', params: { status: oneOf(['pending', 'replayed', 'all']) }, schema: DeadLetterResponse },
  { path: '/v1/dashboard/session', params: {}, schema: DashboardSessionResponse },
  { path: '/v1/dashboard/flags', params: {}, schema: DashboardFlagsResponse },
  { path: '/v1/dashboard/annotations', params: { from: time, to: time }, schema: DashboardAnnotationsResponse },
];

/** Query-string keys no endpoint takes, or takes in a form that trips naive parsing. */
const hostileKey = fc.oneof(fc.constantFrom(...POLLUTING_KEYS, 'toString', 'hasOwnProperty', 'limit[]', 'limit[0]', 'a.b', '', ' limit', 'LIMIT'), hostileString);

/** How a key or value is written: percent-encoded byte by byte (mostly), raw (the URL parser encodes what it must), or with broken escapes. */
const written = (s: string) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.constant(encode) },
      { weight: 2, arbitrary: fc.constant((x: string) => encode(x).replace(/%20/g, '+')) },
      { weight: 2, arbitrary: fc.constant((x: string) => (asStored(x) === x ? x.replace(/[#&=%+]/g, encodeURIComponent) : encode(x))) },
      { weight: 1, arbitrary: fc.constantFrom((x: string) => `${encode(x)}%`, (x: string) => `%zz${encode(x)}`, (x: string) => `${encode(x)}%ED%A0%80%C0%80%FF`) },
    )
    .map((w) => w(s));

/**
 * One endpoint (by path, so a failure prints short) and a query string: some of its
 * parameters, sometimes one of them twice, sometimes unknown and polluting keys, broken
 * escapes, a strange tail, now and then past 64 KiB.
 */
const request = fc.constantFrom(...ENDPOINTS.map((e) => e.path)).chain((path) => {
  const endpoint = ENDPOINTS.find((e) => e.path === path)!;
  return fc
    .tuple(
      fc.subarray(Object.keys(endpoint.params)),
      fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(fc.tuple(hostileKey, fc.oneof(hostileString, fc.constantFrom(...NASTY))), { minLength: 1, maxLength: 2 })),
      fc.nat({ max: 9 }),
      fc.oneof({ weight: 20, arbitrary: fc.constant('') }, fc.constantFrom('&', '&&', '=', '==x', '#frag', '?', 'a'.repeat(70_000), '%', '&=&=')),
    )
    .chain(([picked, extra, dup, tail]) => {
      const repeated = dup === 0 && picked.length > 0;
      return fc
        .tuple(
          fc.tuple(...picked.map((n) => endpoint.params[n]!)),
          fc.tuple(...picked.map((n, i) => (repeated && i === 0 ? fc.constant(encode(n)) : written(n)))),
          fc.tuple(...extra.map(([k, v]) => fc.tuple(written(k), written(v)))),
        )
        .chain(([values, keys, extras]) =>
          fc.tuple(...values.map((v) => written(v))).map((vs) => {
            const pairs = vs.map((v, i) => `${keys[i]}=${v}`);
            // A parameter twice is ambiguous: the query API and timelines refuse it.
            if (repeated) pairs.push(`${encode(picked[0]!)}=${vs[0]}`);
            return { path, repeated, query: [...pairs, ...extras.map(([k, v]) => `${k}=${v}`)].join('&') + tail };
          }),
        );
    });
});

/** Read token → project (a Map: a token like `constructor` must not find anything). */
const PROJECT_OF = new Map<string, string>([[TOKENS.demo, 'demo'], [TOKENS.other, 'other']]);

/** The query API and timelines refuse a repeated parameter; the dashboard's annotations take the first. */
const strict = (path: string) => path.startsWith('/v1/query/') || path === '/v1/timeline';

const get = (path: string, query: string, authorization: string | undefined) =>
  f.collector.app.request(`${path}?${query}`, { headers: authorization === undefined ? {} : { authorization } });

/** The checks of every answer to a read: clean; 200 only with a read token, with the endpoint's body for that token's project; a refusal's code fits its status. */
async function check(path: string, res: Response, authorization: string | undefined, repeated = false): Promise<number> {
  const endpoint = ENDPOINTS.find((e) => e.path === path)!;
  const { status, body } = await expectCleanAnswer(res);
  const trim = authorization?.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(trim ?? '')?.[1];
  const project = token === undefined ? undefined : PROJECT_OF.get(token);
  if (!token) expect(status).toBe(401);
  else if (!project) expect(status).toBe(403);
  else expect([200, 400]).toContain(status);
  if (status === 200) {
    const parsed = endpoint.schema.safeParse(body);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
    if (typeof body === 'object' && body !== null && 'project' in body) expect((body as { project: unknown }).project).toBe(project);
    expect(repeated, 'a repeated parameter was taken').toBe(false);
  }
  if (status === 400) expect((body as { error: string }).error).toBe('invalid_query');
  return status;
}

describe('regressions found by fuzzing', () => {
  it.each([
    ['/v1/query/errors', 'to=now-999999999w'],
    ['/v1/query/search', 'q=x&to=9999999999999999'],
    ['/v1/query/funnel', 'steps=a,b&to=9999999999999999'],
    ['/v1/query/metrics', 'from=now-999999999w'],
    ['/v1/dashboard/annotations', 'to=now-999999999w'],
    ['/v1/dashboard/annotations', 'to=0'],
    ['/v1/query/anomalies', 'from=2299-12-01&to=10413792000000'],
  ])('%s?%s: times before 1970 or past 2299 are refused with a reason, not a 500 or a range before 1970', async (path, query) => {
    const res = await get(path, query, `Bearer ${TOKENS.demo}`);
    expect(await check(path, res.clone(), `Bearer ${TOKENS.demo}`)).toBe(400);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/^(from|to): /);
  });
});

describe('read endpoints under hostile query strings', () => {
  it('any parameters, sensible or not, unknown and polluting keys, repeats and broken escapes: a 200 with the endpoint’s answer or a 400 with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ path, query, repeated }) => {
        const auth = `Bearer ${TOKENS.demo}`;
        await check(path, await get(path, query, auth), auth, repeated && strict(path));
      }),
      params(runs(200)),
    );
  }, timeoutFor(runs(200)));

  it('any Authorization header, enormous ones included: 401 or 403 unless it is a read token, and then only that project', async () => {
    const authorization = fc.oneof(
      fc.constantFrom(`Bearer ${TOKENS.demo}`, `Bearer ${TOKENS.other}`, `Bearer ${SECRET}`, `Bearer ${INGEST_TOKENS.demo}`, `Bearer ${TOKENS.demo}${TOKENS.other}`),
      authorizationFor(TOKENS.other),
      fc.constant(undefined),
    );
    await fc.assert(
      fc.asyncProperty(request, authorization, async ({ path, query, repeated }, auth) => {
        await check(path, await get(path, query, auth), auth, repeated && strict(path));
      }),
      params(runs(200)),
    );
  }, timeoutFor(runs(200)));

  it('sensible queries read the seeded rows of their own project only', async () => {
    // A control for the properties above: valid queries do succeed and find data.
    for (const [path, query] of [
      ['/v1/timeline', 'session_id=s-demo-1'],
      ['/v1/query/search', 'q=payment&from=now-30d'],
      ['/v1/query/errors', 'from=now-30d'],
      ['/v1/query/funnel', 'steps=view_product,add_to_cart&from=now-30d'],
      ['/v1/query/timeline', 'id=s-demo-1'],
    ] as const) {
      const res = await get(path, query, `Bearer ${TOKENS.demo}`);
      expect(await check(path, res.clone(), `Bearer ${TOKENS.demo}`)).toBe(200);
      const json = JSON.stringify(await res.json());
      expect(json, path).toContain('demo');
      expect(json, path).not.toContain('s-other-');
    }
  });
});
