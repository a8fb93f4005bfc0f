import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, FunnelResponse, QueryTimelineResponse, SearchResponse } from '@lifeline/protocol';
import { openCollector, type Collector } from '../../src/collector';
import { QUERY_NAMES } from '../../src/query/queries';
import { eventToRow } from '../../src/storage/event-row';
import { insertEvents } from '../../src/storage/insert-events';
import { SECRET, TOKENS, auth, countRows, tempDir, testConfig } from '../helpers';
import { HOUR, NOW, at } from './store';

const dir = tempDir();
let collector: Collector;
const T = NOW - 3 * HOUR;

beforeAll(async () => {
  collector = await openCollector(testConfig(dir.path));
  const s = { session_id: 'sess-api', user_agent: 'Mozilla/5.0 Chrome/141.0 Safari/537.36', country: 'DE' };
  await insertEvents(
    collector.storage,
    [
      at(T, 'track', { ...s, name: 'view_product', props: { product_id: 'tee-rose' } }),
      at(T + 1000, 'track', { ...s, name: 'add_to_cart', props: { product_id: 'tee-rose' } }),
      at(T + 2000, 'network', { ...s, request_id: 'req-api', method: 'POST', url: '/api/pay', status: 503, duration_ms: 9 }),
      at(T + 3000, 'error', { ...s, request_id: 'req-api', message: 'payment failed', fingerprint: 'pay' }),
      at(T + 4000, 'track', { session_id: 'sess-other', project: 'other', name: 'view_product', props: {} }),
      at(T + 5000, 'error', { session_id: 'sess-other', project: 'other', message: 'secret of other', request_id: 'req-api' }),
    ].map(eventToRow),
  );
});
afterAll(async () => {
  await collector?.close();
  dir.remove();
});

const get = (path: string, headers: Record<string, string> = auth(TOKENS.demo)) => collector.app.request(path, { headers });

/** Minimal valid parameters of each query. */
const VALID: Record<(typeof QUERY_NAMES)[number], string> = {
  funnel: 'steps=view_product,add_to_cart',
  metrics: '',
  anomalies: 'from=now-6h',
  errors: '',
  search: 'q=payment',
  vitals: '',
  red: '',
  timeline: 'id=req-api',
};

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  const body = ErrorResponse.parse(await res.json());
  expect(body.error).toBe(error);
  expect(body.reason.length).toBeGreaterThan(5);
  return body;
}

describe('query API: read token', () => {
  const cases: [string, Record<string, string>, number, string][] = [
    ['no Authorization header', {}, 401, 'unauthorized'],
    ['a Basic header', { authorization: `Basic ${TOKENS.demo}` }, 401, 'unauthorized'],
    ['an unknown token', auth('rt_nope'), 403, 'forbidden'],
    ['the collector secret', auth(SECRET), 403, 'forbidden'],
  ];
  it.each(QUERY_NAMES.flatMap((q) => cases.map((c) => [q, ...c] as const)))('%s with %s → %i', async (name, _why, headers, status, error) => {
    await expectError(await get(`/v1/query/${name}?${VALID[name]}`, headers), status, error);
  });

  it.each(QUERY_NAMES)('%s answers 200 JSON for a valid read token', async (name) => {
    const res = await get(`/v1/query/${name}?${VALID[name]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { project: string }).project).toBe('demo');
  });

  it.each(['utc', 'UTC', 'europe/paris', 'Asia/Calcutta'])('metrics take the time zone %s, however it is cased', async (tz) => {
    const res = await get(`/v1/query/metrics?interval=day&tz=${encodeURIComponent(tz)}`);
    expect(res.status).toBe(200);
  });

  it('answers for the token’s project only', async () => {
    const demo = QueryTimelineResponse.parse(await (await get('/v1/query/timeline?id=req-api')).json());
    const other = QueryTimelineResponse.parse(await (await get('/v1/query/timeline?id=req-api', auth(TOKENS.other))).json());
    expect(demo.events.map((e) => e.project)).toEqual(['demo', 'demo', 'demo', 'demo']);
    expect(other.events.map((e) => [e.project, e.kind])).toEqual([
      ['other', 'track'],
      ['other', 'error'],
    ]);
  });

  it('answers 404 for an unknown query', async () => {
    await expectError(await get('/v1/query/nope'), 404, 'not_found');
  });
});

describe('query API: parameters', () => {
  const cases: [string, string, RegExp][] = [
    ['funnel', '', /steps/],
    ['funnel', 'steps=view_product', /give 2 to 10 steps/],
    ['funnel', `steps=${Array.from({ length: 11 }, (_, i) => `e${i}`).join(',')}`, /give 2 to 10 steps/],
    ['funnel', 'steps=a,b[product_id]', /expected one of/],
    ['funnel', 'steps=a,b[price>cheap]', /needs a number/],
    ['funnel', 'steps=a,b&window=0s', /window/],
    ['funnel', 'steps=a,b&window=100d', /window/],
    ['funnel', 'steps=a,b&by=email', /by/],
    ['funnel', 'steps=a,b&breakdown=user_agent', /breakdown/],
    ['funnel', 'steps=a,b&compare=maybe', /compare/],
    ['funnel', 'steps=a,b&form=now-1d', /form/],
    ['funnel', 'steps=a,b&steps=c,d', /give it once/],
    ['funnel', 'steps=a,b&from=yesterday', /from/],
    ['funnel', 'steps=a,b&from=now&to=now-1d', /from: must be before to/],
    ['funnel', 'steps=a,b&from=now-401d', /at most 400 days/],
    ['metrics', 'interval=week', /interval/],
    ['metrics', 'tz=Mars/Olympus_Mons', /time zone/],
    ['metrics', `events=${Array.from({ length: 21 }, (_, i) => `e${i}`).join(',')}`, /events/],
    ['metrics', 'events=a,a', /twice/],
    ['metrics', 'revenue_prop=total price', /revenue_prop/],
    ['anomalies', 'weeks=0', /weeks/],
    ['anomalies', 'weeks=13', /weeks/],
    ['anomalies', 'threshold=0', /threshold/],
    ['anomalies', 'metrics=sales', /metrics/],
    ['anomalies', 'from=now-40d', /at most 31 days/],
    ['errors', 'limit=0', /limit/],
    ['errors', 'limit=501', /limit/],
    ['search', '', /exactly one of q and re/],
    ['search', 'q=a&re=b', /exactly one of q and re/],
    ['search', `q=${'x'.repeat(201)}`, /q/],
    ['search', 're=(a)\\1', /backreferences/],
    ['search', 're=(%3F%3Dx)', /lookahead/],
    ['search', 're=((a{100}){100}){100}', /past 1000/],
    ['search', 're=[unclosed', /not a valid RE2 expression/],
    ['search', 'q=a&fields=body', /fields/],
    ['search', 'q=a&kinds=span', /kinds/],
    ['vitals', 'names=FID', /names/],
    ['vitals', 'path_limit=0', /path_limit/],
    ['red', 'source=db', /source/],
    ['timeline', '', /id/],
    ['timeline', `id=${'x'.repeat(129)}`, /id/],
    ['timeline', 'id=a&by=phone', /by/],
    ['timeline', 'id=a&by=email', /^id: expected an email address/],
    ['timeline', 'id=a&around=2d', /around/],
    ['timeline', 'id=a&limit=0', /limit/],
  ];
  it.each(cases)('%s?%s → 400 naming the problem', async (name, query, reason) => {
    const body = await expectError(await get(`/v1/query/${name}?${query}`), 400, 'invalid_query');
    expect(body.reason).toMatch(reason);
    expect(body.issues?.length).toBeGreaterThan(0);
  });
});

describe('query API: values are data, never SQL', () => {
  const INJECTIONS = [
    "' OR 1=1 --",
    "x'); DROP TABLE lifeline.events; --",
    "demo' UNION ALL SELECT * FROM system.tables --",
    '{project:String}',
    "\\' OR project != '",
    '%_%',
  ];
  const enc = encodeURIComponent;
  /** Each parameter that carries free text, as a query string with the payload in it. */
  const carriers: [string, (x: string) => string][] = [
    ['funnel steps (event)', (x) => `funnel?steps=view_product,${enc(JSON.stringify(x))}`],
    ['funnel steps (prop key)', (x) => `funnel?steps=view_product,${enc(`add_to_cart[${JSON.stringify(x)}=1]`)}`],
    ['funnel steps (prop value)', (x) => `funnel?steps=view_product,${enc(`add_to_cart[product_id=${JSON.stringify(x)}]`)}`],
    ['funnel steps (contains)', (x) => `funnel?steps=view_product,${enc(`add_to_cart[product_id~${JSON.stringify(x)}]`)}`],
    ['metrics events', (x) => `metrics?events=${enc(x.replaceAll(',', ' '))}`],
    ['metrics purchase_event', (x) => `metrics?purchase_event=${enc(x)}`],
    ['metrics signup_event', (x) => `metrics?signup_event=${enc(x)}`],
    ['anomalies event metric', (x) => `anomalies?from=now-6h&metrics=${enc(`event:${x.replaceAll(',', ' ')}`)}`],
    ['errors release', (x) => `errors?release=${enc(x)}`],
    ['search q', (x) => `search?q=${enc(x)}`],
    ['vitals path', (x) => `vitals?path=${enc(x)}`],
    ['red path', (x) => `red?path=${enc(x)}`],
    ['timeline id', (x) => `timeline?id=${enc(x)}`],
    ['timeline id by session', (x) => `timeline?by=session&id=${enc(x)}`],
  ];
  it.each(carriers.flatMap(([name, make]) => INJECTIONS.map((x) => [name, x, make(x)] as const)))('%s: %s', async (_name, payload, path) => {
    const res = await get(`/v1/query/${path}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.project).toBe('demo');
    // Nothing matches the payload, and nothing of another project leaks.
    expect(JSON.stringify(body)).not.toContain('secret of other');
    if (Array.isArray(body.events)) expect(body.events).toEqual([]);
    expect(payload.length).toBeGreaterThan(0);
  });

  it('left the data as it was', async () => {
    expect(await countRows(collector.storage)).toBe(6);
    const funnel = FunnelResponse.parse(await (await get('/v1/query/funnel?steps=view_product,add_to_cart')).json());
    expect(funnel.total.steps.map((s) => s.count)).toEqual([1, 1]);
    const search = SearchResponse.parse(await (await get('/v1/query/search?q=payment')).json());
    expect(search.events).toHaveLength(1);
  });
});
