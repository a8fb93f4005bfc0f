import { createHash } from 'node:crypto';
import type { StoredEvent } from '@lifeline/protocol';
import { PRODUCTS } from '../shop/catalog';
import { createRandom, type Random } from './random';

/** A past incident written into the history, so anomaly baselines have something to find. */
export interface Incident {
  kind: 'payments_down' | 'checkout_errors' | 'slow_pages';
  /** Epoch ms. */
  start: number;
  minutes: number;
}

export interface HistoryOptions {
  project: string;
  /** The history ends here (epoch ms); it starts `days` earlier. */
  now: number;
  days: number;
  /** Sessions on an average weekday; weekends get more, nights fewer. */
  sessionsPerDay: number;
  seed?: number;
  incidents?: Incident[];
  /** Store origin written into URLs. */
  origin?: string;
  /** Share of sessions going on from each funnel step to the next. @default STEP_RATES */
  stepRates?: readonly number[];
  /** Relative traffic per UTC hour of day. @default a European store's day */
  hourly?: readonly number[];
  /** Write web vitals for every page. @default true */
  vitals?: boolean;
  /** Only write the hours this accepts (hour start, epoch ms): a test's baseline needs a few. */
  includeHour?: (hourStart: number) => boolean;
}

/** The funnel the store's own script tracks (demo-store/public/store.js), in order. */
export const FUNNEL = ['view_product', 'add_to_cart', 'begin_checkout', 'order_created', 'purchase'] as const;

/** Share of sessions that go on from each step to the next in normal times. */
export const STEP_RATES: readonly number[] = [0.8, 0.35, 0.6, 0.85, 0.93];

/** Relative traffic per hour of day (UTC), shaped like a European store's day. */
const HOURLY = [0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.45, 0.65, 0.8, 0.9, 1.0, 1.15, 1.1, 0.95, 0.9, 0.95, 1.05, 1.2, 1.35, 1.4, 1.2, 0.85, 0.5];
/** Relative traffic per day of week, Sunday first. */
const WEEKLY = [1.25, 0.9, 0.95, 0.95, 1.0, 1.1, 1.3];

const BROWSERS = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36', 46],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1', 28],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:143.0) Gecko/20100101 Firefox/143.0', 12],
  ['Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36', 14],
] as const;
const COUNTRIES = [['DE', 30], ['FR', 18], ['GB', 15], ['NL', 10], ['ES', 9], ['IT', 8], ['US', 10]] as const;

const ERRORS = [
  { message: "TypeError: Cannot read properties of undefined (reading 'rows')", type: 'TypeError', fn: 'openSizeGuide', weight: 5 },
  { message: 'ReferenceError: gtag is not defined', type: 'ReferenceError', fn: 'trackConsent', weight: 3 },
  { message: 'Error: ResizeObserver loop completed with undelivered notifications', type: 'Error', fn: 'layoutGallery', weight: 2 },
] as const;

/**
 * Writes realistic store history: sessions walking the funnel with drop-off at each step,
 * weekly and daily seasonality, page and API calls with request IDs, backend logs joined
 * to them, web vitals, a few recurring JavaScript errors, two releases, and the given
 * incidents (with the flag flips and fallbacks ops and the SDK would have produced).
 * Yields events in batches of about `batchSize`, in time order per day.
 */
export function* generateHistory(o: HistoryOptions, batchSize = 5000): Generator<StoredEvent[]> {
  const rnd = createRandom(o.seed ?? 42);
  const origin = o.origin ?? 'http://127.0.0.1:3000';
  const dayMs = 86_400_000;
  const start = Math.floor((o.now - o.days * dayMs) / dayMs) * dayMs;
  const users = Array.from({ length: Math.max(50, Math.round(o.sessionsPerDay / 4)) }, () => rnd.uuid());
  let batch: StoredEvent[] = [];

  for (let day = 0; day < o.days + 1; day++) {
    const dayStart = start + day * dayMs;
    const weekday = new Date(dayStart).getUTCDay();
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * 3_600_000;
      if (hourStart >= o.now) break;
      if (o.includeHour && !o.includeHour(hourStart)) continue;
      const expected = (o.sessionsPerDay / 24) * (o.hourly ?? HOURLY)[hour]! * WEEKLY[weekday]! * (0.9 + rnd.next() * 0.2);
      const sessions = Math.round(expected);
      for (let s = 0; s < sessions; s++) {
        const t0 = hourStart + Math.floor(rnd.next() * 3_600_000);
        if (t0 >= o.now) continue;
        const incident = o.incidents?.find((i) => t0 >= i.start && t0 < i.start + i.minutes * 60_000);
        batch.push(...session(rnd, { ...o, origin }, t0, users, incident, start + Math.floor(o.days * 0.6) * dayMs));
      }
      if (batch.length >= batchSize) {
        yield batch.sort((a, b) => a.ts - b.ts);
        batch = [];
      }
    }
  }
  for (const i of o.incidents ?? []) batch.push(...flagFlips(rnd, o.project, i));
  if (batch.length) yield batch.sort((a, b) => a.ts - b.ts);
}

function flagFlips(rnd: Random, project: string, i: Incident): StoredEvent[] {
  if (i.kind !== 'payments_down') return [];
  const base = { project, kind: 'flag' as const, feature: 'checkout', actor: 'ops' };
  const end = i.start + i.minutes * 60_000;
  return [
    { ...base, event_id: rnd.uuid(), ts: i.start + 5 * 60_000, received_at: i.start + 5 * 60_000, state: 'degraded', from_state: 'ok', message: 'Payments are slow; we are on it.' },
    { ...base, event_id: rnd.uuid(), ts: end, received_at: end, state: 'ok', from_state: 'degraded' },
  ];
}

function session(rnd: Random, o: HistoryOptions & { origin: string }, t0: number, users: string[], incident: Incident | undefined, releaseSwitch: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  const ua = rnd.weighted(BROWSERS);
  const ids = {
    project: o.project,
    session_id: rnd.uuid(),
    anon_id: rnd.uuid(),
    ...(rnd.chance(0.3) ? { user_id: rnd.pick(users) } : {}),
    release: t0 < releaseSwitch ? 'demo@1.4.0' : 'demo@1.5.0',
    environment: 'production',
    country: rnd.weighted(COUNTRIES),
    user_agent: ua,
  };
  let t = t0;
  const at = (gap: number) => (t += Math.round(gap));
  const ev = <K extends StoredEvent['kind']>(kind: K, fields: Record<string, unknown>, url: string): StoredEvent =>
    ({ ...ids, event_id: rnd.uuid(), kind, ts: t, received_at: t + rnd.int(20, 400), url, ...fields }) as StoredEvent;
  const slow = incident?.kind === 'slow_pages' ? 3 : 1;
  const page = (path: string) => {
    const url = o.origin + path;
    out.push(ev('pageview', { title: 'Fancy T-Shirts' }, url));
    if (o.vitals === false) return url;
    out.push(ev('vital', { name: 'TTFB', value: rnd.lognormal(180 * slow, 0.5), rating: 'good', nav_type: 'navigate' }, url));
    out.push(ev('vital', { name: 'FCP', value: rnd.lognormal(900 * slow, 0.4), rating: 'good', nav_type: 'navigate' }, url));
    const lcp = rnd.lognormal(1700 * slow, 0.45);
    out.push(ev('vital', { name: 'LCP', value: lcp, rating: lcp <= 2500 ? 'good' : lcp <= 4000 ? 'needs-improvement' : 'poor', nav_type: 'navigate', target: 'div.shirt>span' }, url));
    return url;
  };
  const call = (url: string, method: string, path: string, status: number, ms: number, logs: string[]) => {
    ms = Math.round(ms);
    const request_id = rnd.uuid();
    const trace_id = rnd.hex(32);
    out.push(ev('network', { method, url: o.origin + path, status, duration_ms: ms, request_id, trace_id }, url));
    let lt = t - ms;
    for (const m of logs) {
      lt += Math.round(ms / (logs.length + 1));
      out.push({ ...ev('log', { level: status >= 500 || m.includes('failed') ? 'error' : 'info', message: m, service: 'store', request_id, trace_id }, url), ts: lt });
    }
    return request_id;
  };

  let url = page('/');
  if (ids.user_id) out.push(identify(ids.session_id, ids.user_id, users.indexOf(ids.user_id), out[0]!));
  if (rnd.chance(0.04)) out.push(ev('track', { name: 'sign_up', props: {} }, url));
  const product = rnd.pick(PRODUCTS);
  const rates = (o.stepRates ?? STEP_RATES).slice();
  if (incident?.kind === 'payments_down') rates[4] = 0.08;
  if (incident?.kind === 'checkout_errors') rates[3] = 0.3;

  for (let step = 0; step < FUNNEL.length; step++) {
    if (!rnd.chance(rates[step]!)) break;
    const name = FUNNEL[step]!;
    at(rnd.lognormal(20_000, 0.8));
    if (name === 'view_product') {
      url = page(`/product/${product.id}`);
      out.push(ev('track', { name, props: { product_id: product.id, price: product.price_cents / 100 } }, url));
      if (rnd.chance(0.02)) {
        const e = rnd.weighted(ERRORS.map((x) => [x, x.weight] as const));
        out.push(ev('error', { message: e.message, error_type: e.type, mechanism: 'onerror', handled: false, stack: `${e.message}\n    at ${e.fn} (${o.origin}/store.js:${rnd.int(20, 140)}:${rnd.int(5, 40)})`, fingerprint: e.fn }, url));
      }
    } else if (name === 'add_to_cart') {
      call(url, 'POST', '/api/cart/items', 200, rnd.lognormal(35, 0.4), ['request POST /api/cart/items', 'cart updated', 'response 200 POST /api/cart/items']);
      out.push(ev('track', { name, props: { product_id: product.id, qty: 1, price: product.price_cents / 100 } }, url));
    } else if (name === 'begin_checkout') {
      url = page('/checkout');
      out.push(ev('track', { name, props: {} }, url));
    } else if (name === 'order_created') {
      const failed = incident?.kind === 'checkout_errors';
      call(url, 'POST', '/api/orders', failed ? 503 : 201, rnd.lognormal(60, 0.4), failed ? ['request POST /api/orders', 'orders service unavailable', 'response 503 POST /api/orders'] : ['request POST /api/orders', 'order created', 'response 201 POST /api/orders']);
      if (failed) break;
      out.push(ev('track', { name, props: { value: product.price_cents / 100 } }, url));
    } else if (name === 'purchase') {
      const order_id = `FT-${rnd.int(100000, 999999)}`;
      call(url, 'POST', '/api/pay', 200, rnd.lognormal(240, 0.3), ['request POST /api/pay', 'gateway call stripe-sim', 'gateway stripe-sim answered approved', 'order paid', 'response 200 POST /api/pay']);
      out.push(ev('track', { name, order_id, props: { order_id, revenue: product.price_cents / 100, currency: 'EUR' } }, url));
    }
  }
  // A shopper who reached payment in a payments outage: the failed call, the error and the fallback.
  if (incident?.kind === 'payments_down' && out.some((e) => e.kind === 'track' && e.name === 'order_created') && !out.some((e) => e.kind === 'track' && e.name === 'purchase')) {
    at(rnd.lognormal(15_000, 0.5));
    const request_id = call(url, 'POST', '/api/pay', 503, rnd.lognormal(2600, 0.2), ['request POST /api/pay', 'gateway stripe-sim failed: stripe-sim: timed out after 2500 ms', 'failover to adyen-sim', 'gateway adyen-sim failed: adyen-sim: connection refused', 'both payment gateways failed', 'response 503 POST /api/pay']);
    out.push(ev('error', { message: 'Error: Payment failed: we could not reach our payment providers', error_type: 'Error', mechanism: 'manual', handled: true, request_id, fingerprint: 'payment-failed' }, url));
    out.push(ev('degrade', { feature: 'checkout', state: 'down', reason: 'breaker', request_id }, url));
  }
  return out;
}

/** The email of the seeded customer at `index` in the user list: `shopper-<n>@example.com`. */
export const seededEmail = (index: number) => `shopper-${index + 1}@example.com`;

/**
 * A signed-in session's `identify`, as store.js sends it at sign-in: the user ID and the
 * SHA-256 of the customer's email, so support can find them by email. Its event ID comes
 * from the session's, not from the random stream, so adding it changes nothing else a
 * seed generates.
 */
function identify(sessionId: string, userId: string, index: number, first: StoredEvent): StoredEvent {
  const h = createHash('sha256').update(`identify:${sessionId}`).digest('hex');
  const event_id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const email_sha256 = createHash('sha256').update(seededEmail(index)).digest('hex');
  const { kind: _kind, event_id: _id, title: _title, ...context } = first as Extract<StoredEvent, { kind: 'pageview' }>;
  return { ...context, event_id, kind: 'track', name: 'identify', props: { name: `Shopper ${index + 1}`, email_sha256 } };
}
