import type { Storage } from '../src/storage/open-storage';
import { BROWSERS, HOURLY, ORIGIN, PRICES, PRODUCTS, WEEKLY } from './data';

/**
 * Store history for the query benchmark, generated inside ClickHouse with
 * `INSERT … SELECT` from `numbers()`.
 *
 * It follows the demo store's traffic model (demo-store/src/traffic/history.ts): the same
 * funnel and step rates, hourly and weekly seasonality, browsers, countries, request IDs
 * joining network calls to backend logs (whose `response …` lines carry method, path,
 * status and duration), web vitals, recurring JavaScript errors, a release switch and a
 * payments outage with its failed calls, payment errors, fallbacks and flag flips. It is
 * generated in SQL rather than in JavaScript because JSON rows go into chDB at roughly
 * 15k rows a second, which would take most of an hour for 10M events; the engine writes
 * its own rows at several hundred thousand a second.
 */
export interface SyntheticHistoryOptions {
  project: string;
  /** The history ends here (epoch ms). */
  now: number;
  /** Whole days before today's; today is generated up to `now` too. */
  days: number;
  /** Sessions on an average day; about 12 events each. */
  sessionsPerDay: number;
  /** A payments outage, as in the demo's history. */
  outage: { start: number; minutes: number };
  /** Days generated per round of inserts (progress is reported after each). @default 5 */
  chunkDays?: number;
  onProgress?: (done: { days: number; of: number }) => void;
}

const DAY = 86_400_000;
const BROWSER_WEIGHTS = [46, 28, 12, 14];
const COUNTRIES = ['DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'US'];
const COUNTRY_WEIGHTS = [30, 18, 15, 10, 9, 8, 10];

const lit = (v: readonly (string | number)[]) => `[${v.map((x) => (typeof x === 'number' ? String(x) : `'${x}'`)).join(', ')}]`;

/** A uniform number in [0, 1) per session, salt and (optionally) index. */
const u = (salt: string, index = '0') => `(cityHash64(number, {seed:UInt64}, '${salt}', ${index}) / 18446744073709551616.0)`;
/** A weighted pick from literal arrays. */
const pick = (values: readonly string[], weights: readonly number[], salt: string) =>
  `${lit(values)}[arrayFirstIndex(c -> c > ${u(salt)} * ${weights.reduce((a, b) => a + b, 0)}, arrayCumSum(${lit(weights)}))]`;
/** Numbers the random draws: distinct arguments keep ClickHouse from computing two draws as one expression. */
let salts = 0;
/**
 * Draws fixed by a request ID column: the network event and the backend logs of one call
 * are written by different statements and must agree on its duration.
 */
const byId = (column: string) => {
  let n = 0;
  return () => `(cityHash64(${column}, ${++n}) / 18446744073709551616.0)`;
};
/** A uniform draw per page and vital, made after ARRAY JOIN so each page of a session gets its own vitals. */
const perPage = () => `randCanonical(pg * 100 + k * 10 + ${++salts})`;
/** A log-normal positive number around `median` (Box–Muller), drawn per row. */
const lognormal = (median: string | number, sigma: number, draw: () => string) =>
  `(${median} * exp(${sigma} * sqrt(-2 * log(1 - ${draw()})) * cos(2 * pi() * ${draw()})))`;
const hex32 = (salt: string) => `lower(concat(hex(cityHash64(number, {seed:UInt64}, '${salt}1')), hex(cityHash64(number, {seed:UInt64}, '${salt}2'))))`;

/** One row per session of a day: who, when, how far down the funnel, and the IDs its calls carry. */
const SESSIONS = (db: string) => `
INSERT INTO ${db}.bench_sessions
WITH
  ${lit(HOURLY)} AS hw,
  toInt64({day_start:Int64} + (arrayFirstIndex(c -> c > ${u('hour')} * arraySum(hw), arrayCumSum(hw)) - 1) * 3600000
    + toInt64(${u('minute')} * 3600000)) AS start,
  start >= {outage_start:Int64} AND start < {outage_end:Int64} AS in_outage,
  toUInt8(if(${u('s1')} < 0.8, if(${u('s2')} < 0.35, if(${u('s3')} < 0.6, if(${u('s4')} < 0.85,
    if(${u('s5')} < if(in_outage, 0.08, 0.93), 5, 4), 3), 2), 1), 0)) AS depth,
  toUInt8(1 + cityHash64(number, {seed:UInt64}, 'product') % ${PRODUCTS.length}) AS p
SELECT
  toString(generateUUIDv4(number)) AS sid,
  toString(generateUUIDv4(number + 1)) AS aid,
  if(${u('user')} < 0.3, concat('u-', toString(cityHash64(number, {seed:UInt64}, 'uid') % {users:UInt64})), '') AS uid,
  start AS t0,
  ${pick(BROWSERS, BROWSER_WEIGHTS, 'ua')} AS ua,
  ${pick(COUNTRIES, COUNTRY_WEIGHTS, 'country')} AS country,
  if(start < {release_switch:Int64}, 'demo@1.4.0', 'demo@1.5.0') AS release,
  depth,
  ${lit(PRODUCTS)}[p] AS product,
  ${lit(PRICES)}[p] AS price,
  ${u('signup')} < 0.04 AS signup,
  if(depth >= 1 AND ${u('err')} < 0.02, toUInt8(1 + cityHash64(number, {seed:UInt64}, 'errk') % 3), 0) AS err,
  in_outage AND depth = 4 AS failed,
  arrayCumSum(arrayMap(i -> toInt64(${lognormal(20000, 0.8, () => u(`gap${salts++}`, 'i'))}), range(7))) AS gaps,
  toString(generateUUIDv4(number + 2)) AS rid_cart,
  toString(generateUUIDv4(number + 3)) AS rid_order,
  toString(generateUUIDv4(number + 4)) AS rid_pay,
  ${hex32('tc')} AS tr_cart, ${hex32('to')} AS tr_order, ${hex32('tp')} AS tr_pay,
  concat('FT-', toString(100000 + cityHash64(number, {seed:UInt64}, 'order') % 900000)) AS order_id
FROM numbers({sessions:UInt64})
WHERE start < {now:Int64}`;

const SESSION_TABLE = (db: string) => `
CREATE TABLE IF NOT EXISTS ${db}.bench_sessions (
  sid String, aid String, uid String, t0 Int64, ua String, country String, release String,
  depth UInt8, product String, price Float64, signup Bool, err UInt8, failed Bool, gaps Array(Int64),
  rid_cart String, rid_order String, rid_pay String, tr_cart String, tr_order String, tr_pay String, order_id String
) ENGINE = Memory`;

/** Columns every browser event of a session shares. */
const SHARED = `{project:String} AS project, sid AS session_id, aid AS anon_id, uid AS user_id, release,
  'production' AS environment, country, ua AS user_agent`;
const at = (ms: string) => `fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`;

/** Pages (home, product, checkout), each a pageview and its TTFB, FCP and LCP. */
const PAGES = (db: string) => `
INSERT INTO ${db}.events (project, session_id, anon_id, user_id, release, environment, country, user_agent,
  event_id, kind, ts, received_at, url, title, name, value, rating, nav_type, target)
WITH
  [1, 2, 4] AS page_steps,
  arrayFilter(i -> i = 1 OR (i = 2 AND depth >= 1) OR (i = 4 AND depth >= 3), page_steps) AS pages
SELECT ${SHARED}, generateUUIDv4(pg * 10 + k) AS event_id,
  if(k = 0, 'pageview', 'vital') AS kind,
  ${at('t0 + if(pg = 1, 0, gaps[pg - 1]) + k * 300')} AS ts, ts + toIntervalMillisecond(150) AS received_at,
  concat('${ORIGIN}', multiIf(pg = 1, '/', pg = 2, concat('/product/', product), '/checkout')) AS url,
  if(k = 0, 'Fancy T-Shirts', '') AS title,
  ['', 'TTFB', 'FCP', 'LCP'][k + 1] AS name,
  if(k = 0, 0, [0, ${lognormal(180, 0.5, perPage)}, ${lognormal(900, 0.4, perPage)}, ${lognormal(1700, 0.45, perPage)}][k + 1]) AS value,
  multiIf(k = 0, '', k = 3, multiIf(value <= 2500, 'good', value <= 4000, 'needs-improvement', 'poor'),
    k = 2, multiIf(value <= 1800, 'good', value <= 3000, 'needs-improvement', 'poor'),
    multiIf(value <= 800, 'good', value <= 1800, 'needs-improvement', 'poor')) AS rating,
  if(k = 0, '', 'navigate') AS nav_type,
  if(k = 3, 'div.shirt>span', '') AS target
FROM ${db}.bench_sessions
ARRAY JOIN pages AS pg
ARRAY JOIN range(4) AS k`;

/** The funnel's track events, and sign-ups. */
const TRACKS = (db: string) => `
INSERT INTO ${db}.events (project, session_id, anon_id, user_id, release, environment, country, user_agent,
  event_id, kind, ts, received_at, url, name, props, order_id)
SELECT ${SHARED}, generateUUIDv4(step) AS event_id, 'track' AS kind,
  ${at("t0 + if(step = 0, 500, gaps[step] + if(step IN (2, 4, 5), 1500, 200))")} AS ts, ts + toIntervalMillisecond(120) AS received_at,
  concat('${ORIGIN}', multiIf(step IN (0), '/', step IN (1, 2), concat('/product/', product), '/checkout')) AS url,
  ['sign_up', 'view_product', 'add_to_cart', 'begin_checkout', 'order_created', 'purchase'][step + 1] AS name,
  multiIf(
    step = 1, concat('{"product_id":"', product, '","price":', toString(price), '}'),
    step = 2, concat('{"product_id":"', product, '","qty":1,"price":', toString(price), '}'),
    step = 4, concat('{"value":', toString(price), '}'),
    step = 5, concat('{"order_id":"', order_id, '","revenue":', toString(price), ',"currency":"EUR"}'),
    '{}') AS props,
  if(step = 5, order_id, '') AS order_id
FROM ${db}.bench_sessions
ARRAY JOIN arrayConcat(if(signup, [0], []), range(1, depth + 1)) AS step`;

/** API calls: add to cart, create order, pay (and the failed payment of an outage). */
const CALLS = `
  arrayConcat(
    if(depth >= 2, [tuple(2, 'POST', '/api/cart/items', toUInt16(200), rid_cart, tr_cart, ${lognormal(35, 0.4, byId('rid_cart'))})], []),
    if(depth >= 4, [tuple(4, 'POST', '/api/orders', toUInt16(201), rid_order, tr_order, ${lognormal(60, 0.4, byId('rid_order'))})], []),
    if(depth >= 5, [tuple(5, 'POST', '/api/pay', toUInt16(200), rid_pay, tr_pay, ${lognormal(240, 0.3, byId('rid_pay'))})], []),
    if(failed, [tuple(6, 'POST', '/api/pay', toUInt16(503), rid_pay, tr_pay, ${lognormal(2600, 0.2, byId('rid_pay'))})], [])
  )`;

const NETWORK = (db: string) => `
INSERT INTO ${db}.events (project, session_id, anon_id, user_id, release, environment, country, user_agent,
  event_id, kind, ts, received_at, url, method, status, duration_ms, request_id, trace_id)
SELECT ${SHARED}, generateUUIDv4(c.1) AS event_id, 'network' AS kind,
  ${at('t0 + gaps[c.1] + round(c.7)')} AS ts, ts + toIntervalMillisecond(90) AS received_at,
  concat('${ORIGIN}', c.3) AS url, c.2 AS method, c.4 AS status, round(c.7) AS duration_ms, c.5 AS request_id, c.6 AS trace_id
FROM ${db}.bench_sessions
ARRAY JOIN ${CALLS} AS c`;

/** Backend logs of each call, joined by request ID; the last line carries the response. */
const LOGS = (db: string) => `
INSERT INTO ${db}.events (project, release, environment, event_id, kind, ts, received_at, level, message,
  service, request_id, trace_id, props)
WITH
  multiIf(
    c.1 = 2, ['request POST /api/cart/items', 'cart updated'],
    c.1 = 4, ['request POST /api/orders', 'order created'],
    c.1 = 5, ['request POST /api/pay', 'gateway call stripe-sim', 'gateway stripe-sim answered approved', 'order paid'],
    ['request POST /api/pay', 'gateway stripe-sim failed: stripe-sim: timed out after 2500 ms', 'failover to adyen-sim',
     'gateway adyen-sim failed: adyen-sim: connection refused', 'both payment gateways failed']) AS lines,
  arrayPushBack(lines, concat('response ', toString(c.4), ' ', c.2, ' ', c.3)) AS all_lines
SELECT {project:String} AS project, release, 'production' AS environment, generateUUIDv4(i) AS event_id, 'log' AS kind,
  ${at('t0 + gaps[c.1] + round(c.7) * i / length(all_lines)')} AS ts, ts + toIntervalMillisecond(40) AS received_at,
  if(c.4 >= 500 AND (i = length(all_lines) OR position(line, 'failed') > 0), 'error', 'info') AS level,
  line AS message, 'store' AS service, c.5 AS request_id, c.6 AS trace_id,
  if(i = length(all_lines),
    concat('{"method":"', c.2, '","path":"', c.3, '","status":', toString(c.4), ',"duration_ms":', toString(round(c.7)), '}'),
    '') AS props
FROM ${db}.bench_sessions
ARRAY JOIN ${CALLS} AS c
ARRAY JOIN all_lines AS line, arrayEnumerate(all_lines) AS i`;

/** Recurring JavaScript errors, the payment failures of an outage, and the fallbacks shown. */
const ERRORS = (db: string) => `
INSERT INTO ${db}.events (project, session_id, anon_id, user_id, release, environment, country, user_agent,
  event_id, kind, ts, received_at, url, message, error_type, mechanism, handled, stack, fingerprint, request_id,
  feature, state, reason)
WITH
  ['TypeError: Cannot read properties of undefined (reading ''rows'')', 'ReferenceError: gtag is not defined',
   'Error: ResizeObserver loop completed with undelivered notifications'] AS messages,
  ['openSizeGuide', 'trackConsent', 'layoutGallery'] AS fns
SELECT ${SHARED}, generateUUIDv4(e) AS event_id, e AS kind,
  ${at("t0 + if(e = 'error' AND err > 0 AND NOT failed, gaps[1] + 900, gaps[6] + 4500)")} AS ts,
  ts + toIntervalMillisecond(200) AS received_at,
  concat('${ORIGIN}', if(failed, '/checkout', concat('/product/', product))) AS url,
  multiIf(e = 'degrade', '', failed, 'Error: Payment failed: we could not reach our payment providers', messages[err]) AS message,
  multiIf(e = 'degrade', '', failed, 'Error', splitByChar(':', messages[err])[1]) AS error_type,
  multiIf(e = 'degrade', '', failed, 'manual', 'onerror') AS mechanism,
  if(e = 'degrade', NULL, failed) AS handled,
  if(e = 'degrade' OR failed, '', concat(messages[err], '\\n    at ', fns[err], ' (${ORIGIN}/store.js:', toString(20 + err * 17), ':7)')) AS stack,
  multiIf(e = 'degrade', '', failed, 'payment-failed', fns[err]) AS fingerprint,
  if(failed, rid_pay, '') AS request_id,
  if(e = 'degrade', 'checkout', '') AS feature, if(e = 'degrade', 'down', '') AS state, if(e = 'degrade', 'breaker', '') AS reason
FROM ${db}.bench_sessions
ARRAY JOIN arrayConcat(if(err > 0 AND NOT failed, ['error'], []), if(failed, ['error', 'degrade'], [])) AS e`;

/** Ops flipping checkout to degraded five minutes into the outage, and back at its end. */
const FLAGS = (db: string) => `
INSERT INTO ${db}.events (project, event_id, kind, ts, received_at, feature, state, from_state, message, actor)
SELECT {project:String}, generateUUIDv4(number), 'flag', ${at('t')}, ${at('t')}, 'checkout', s, f, m, 'ops'
FROM (SELECT number,
  [{outage_start:Int64} + 300000, {outage_end:Int64}][number + 1] AS t,
  ['degraded', 'ok'][number + 1] AS s, ['ok', 'degraded'][number + 1] AS f,
  ['Payments are slow; we are on it.', ''][number + 1] AS m
  FROM numbers(2))`;

/**
 * Writes the history into `events`, a few days per round.
 *
 * @example await loadSyntheticHistory(storage, { project: 'demo', now: Date.now(), days: 60, sessionsPerDay: 14_000, outage })
 */
export async function loadSyntheticHistory(storage: Storage, o: SyntheticHistoryOptions): Promise<void> {
  const { client, database: db } = storage;
  const first = Math.floor((o.now - o.days * DAY) / DAY) * DAY;
  const params = {
    project: o.project,
    outage_start: o.outage.start,
    outage_end: o.outage.start + o.outage.minutes * 60_000,
    release_switch: first + Math.floor(o.days * 0.6) * DAY,
    users: Math.max(50, Math.round(o.sessionsPerDay / 4)),
  };
  await client.command({ query: SESSION_TABLE(db) });
  const chunk = o.chunkDays ?? 5;
  // Day `days` is today, up to `now`.
  for (let day = 0; day <= o.days; day += chunk) {
    await client.command({ query: `TRUNCATE TABLE ${db}.bench_sessions` });
    for (let d = day; d < Math.min(o.days + 1, day + chunk); d++) {
      const dayStart = first + d * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      const sessions = Math.round(o.sessionsPerDay * WEEKLY[weekday]! / (WEEKLY.reduce((a, b) => a + b, 0) / 7));
      await client.command({ query: SESSIONS(db), query_params: { ...params, day_start: dayStart, sessions, seed: d * 7919 + 17, now: o.now } });
    }
    for (const statement of [PAGES, TRACKS, NETWORK, LOGS, ERRORS]) {
      await client.command({ query: statement(db), query_params: params });
    }
    o.onProgress?.({ days: Math.min(o.days + 1, day + chunk), of: o.days + 1 });
  }
  await client.command({ query: FLAGS(db), query_params: params });
  await client.command({ query: `DROP TABLE ${db}.bench_sessions` });
}
