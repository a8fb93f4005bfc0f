import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PROTOCOL_VERSION, type StoredEvent } from '@lifeline/protocol';
import { eventToRow } from '../src/storage/event-row';
import { insertEvents } from '../src/storage/insert-events';
import type { Storage } from '../src/storage/open-storage';

/**
 * Benchmark data: store traffic as the edge forwards it, generated fast enough (about a
 * microsecond or two per event) that making 10M events does not dominate a run. It
 * follows the demo store's traffic model (demo-store/src/traffic/history.ts): sessions
 * walking the funnel with drop-off at each step, hourly and weekly seasonality, page views
 * with web vitals, API calls with request and trace IDs and the backend logs joined to
 * them, recurring JavaScript errors, and orders. That generator builds each event with
 * object spreads and sorts every batch, about 40 µs an event here, so this one reuses its
 * shape with flat object literals and precomputed strings.
 */

export interface GenerateOptions {
  /** Events to generate (the last session may be cut to make the count exact). */
  events: number;
  /** @default 'bench' */
  project?: string;
  /** The traffic ends here (epoch ms). @default Date.now() */
  now?: number;
  /** Days of traffic, spread by the seasonality. @default 28 */
  days?: number;
  /** @default 1 */
  seed?: number;
  /** Events per batch. @default 1000 */
  batchSize?: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Shape of a European store's traffic, shared with synthetic-history.ts. */
export const HOURLY = [0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.45, 0.65, 0.8, 0.9, 1.0, 1.15, 1.1, 0.95, 0.9, 0.95, 1.05, 1.2, 1.35, 1.4, 1.2, 0.85, 0.5];
export const WEEKLY = [1.25, 0.9, 0.95, 0.95, 1.0, 1.1, 1.3];
export const ORIGIN = 'https://fancy-tshirts.example';
export const PRODUCTS = ['tee-midnight', 'tee-sunrise', 'tee-forest', 'tee-rose', 'tee-cloud', 'tee-lemon', 'tee-ink', 'tee-mint'];
export const PRICES = [24, 24, 28, 26, 26, 30, 30, 22];
export const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:143.0) Gecko/20100101 Firefox/143.0',
  'Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
];
const COUNTRIES = ['DE', 'DE', 'DE', 'FR', 'FR', 'GB', 'GB', 'NL', 'ES', 'IT', 'US'];
const ERRORS = [
  { message: "TypeError: Cannot read properties of undefined (reading 'rows')", type: 'TypeError', fn: 'openSizeGuide' },
  { message: 'ReferenceError: gtag is not defined', type: 'ReferenceError', fn: 'trackConsent' },
];
/** Share of sessions that go on from each funnel step to the next. */
const STEP_RATES = [0.8, 0.35, 0.6, 0.85, 0.93];

/** mulberry32 plus the draws the generator needs; seeded, so runs are comparable. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** Eight hex digits from one draw. */
  const word = () => ((next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  return {
    next,
    int: (lo: number, hi: number) => lo + ((next() * (hi - lo + 1)) | 0),
    pick: <T>(items: readonly T[]) => items[(next() * items.length) | 0]!,
    chance: (p: number) => next() < p,
    /** Log-normal around `median`: latencies and vitals look like this. */
    lognormal: (median: number, sigma: number) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())),
    uuid: () => {
      const a = word();
      const b = word();
      const c = word();
      return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${'89ab'[(next() * 4) | 0]}${c.slice(1, 4)}-${c.slice(4)}${word()}`;
    },
    /** 32 hex digits: a W3C trace ID. */
    traceId: () => word() + word() + word() + word(),
  };
}

/** Session start times over `days` days, shaped by hour of day and day of week. */
function sessionStarts(rnd: ReturnType<typeof random>, now: number, days: number): () => number {
  const start = Math.floor((now - days * DAY) / DAY) * DAY;
  const hours: number[] = [];
  let total = 0;
  for (let h = 0; h < days * 24; h++) {
    const t = start + h * HOUR;
    total += HOURLY[h % 24]! * WEEKLY[new Date(t).getUTCDay()]!;
    hours.push(total);
  }
  return () => {
    const r = rnd.next() * total;
    let lo = 0;
    let hi = hours.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (hours[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(now - 1000, start + lo * HOUR + ((rnd.next() * HOUR) | 0));
  };
}

/**
 * Store traffic as batches of StoredEvent, in session order.
 *
 * @example for (const batch of generateEventBatches({ events: 1_000_000 })) send(batch)
 */
export function* generateEventBatches(o: GenerateOptions): Generator<StoredEvent[]> {
  const rnd = random(o.seed ?? 1);
  const project = o.project ?? 'bench';
  const now = o.now ?? Date.now();
  const batchSize = o.batchSize ?? 1000;
  const nextStart = sessionStarts(rnd, now, o.days ?? 28);
  const users = Array.from({ length: 5000 }, () => rnd.uuid());
  let batch: StoredEvent[] = [];
  let made = 0;

  while (made < o.events) {
    const session = rnd.uuid();
    const anon = rnd.uuid();
    const user = rnd.chance(0.3) ? rnd.pick(users) : undefined;
    const ua = rnd.pick(BROWSERS);
    const country = rnd.pick(COUNTRIES);
    const release = rnd.chance(0.5) ? 'demo@1.4.0' : 'demo@1.5.0';
    const product = rnd.int(0, PRODUCTS.length - 1);
    let t = nextStart();
    let url = ORIGIN + '/';
    const out: StoredEvent[] = [];
    /** An event with the fields every event of the session has; the caller adds its kind's. */
    const ev = (kind: StoredEvent['kind'], fields: Record<string, unknown>): StoredEvent => {
      const e: Record<string, unknown> = {
        kind,
        event_id: rnd.uuid(),
        ts: t,
        session_id: session,
        anon_id: anon,
        url,
        release,
        environment: 'production',
        project,
        received_at: t + rnd.int(20, 400),
        country,
        user_agent: ua,
      };
      if (user) e.user_id = user;
      for (const k in fields) e[k] = fields[k];
      return e as StoredEvent;
    };
    const page = (path: string) => {
      url = ORIGIN + path;
      out.push(ev('pageview', { title: 'Fancy T-Shirts' }));
      out.push(ev('vital', { name: 'TTFB', value: rnd.lognormal(180, 0.5), rating: 'good', nav_type: 'navigate' }));
      out.push(ev('vital', { name: 'FCP', value: rnd.lognormal(900, 0.4), rating: 'good', nav_type: 'navigate' }));
      const lcp = rnd.lognormal(1700, 0.45);
      out.push(ev('vital', { name: 'LCP', value: lcp, rating: lcp <= 2500 ? 'good' : lcp <= 4000 ? 'needs-improvement' : 'poor', nav_type: 'navigate', target: 'div.shirt>span' }));
    };
    const call = (method: string, path: string, status: number, ms: number, logs: string[]) => {
      const request_id = rnd.uuid();
      const trace_id = rnd.traceId();
      out.push(ev('network', { method, url: ORIGIN + path, status, duration_ms: Math.round(ms), request_id, trace_id }));
      for (const message of logs) {
        out.push(ev('log', { level: message.includes('failed') ? 'error' : 'info', message, service: 'store', request_id, trace_id, props: { method, path } }));
      }
    };

    page('/');
    for (let step = 0; step < STEP_RATES.length && rnd.chance(STEP_RATES[step]!); step++) {
      t += Math.round(rnd.lognormal(20_000, 0.8));
      if (step === 0) {
        page(`/product/${PRODUCTS[product]}`);
        out.push(ev('track', { name: 'view_product', props: { product_id: PRODUCTS[product]!, price: PRICES[product]! } }));
        if (rnd.chance(0.02)) {
          const e = rnd.pick(ERRORS);
          out.push(ev('error', { message: e.message, error_type: e.type, mechanism: 'onerror', handled: false, stack: `${e.message}\n    at ${e.fn} (${ORIGIN}/store.js:${rnd.int(20, 140)}:${rnd.int(5, 40)})`, fingerprint: e.fn }));
        }
      } else if (step === 1) {
        call('POST', '/api/cart/items', 200, rnd.lognormal(35, 0.4), ['request POST /api/cart/items', 'cart updated', 'response 200 POST /api/cart/items']);
        out.push(ev('track', { name: 'add_to_cart', props: { product_id: PRODUCTS[product]!, qty: 1, price: PRICES[product]! } }));
      } else if (step === 2) {
        page('/checkout');
        out.push(ev('track', { name: 'begin_checkout', props: {} }));
      } else if (step === 3) {
        call('POST', '/api/orders', 201, rnd.lognormal(60, 0.4), ['request POST /api/orders', 'order created', 'response 201 POST /api/orders']);
        out.push(ev('track', { name: 'order_created', props: { value: PRICES[product]! } }));
      } else {
        const order_id = `FT-${rnd.int(100000, 999999)}`;
        call('POST', '/api/pay', 200, rnd.lognormal(240, 0.3), ['request POST /api/pay', 'gateway stripe-sim answered approved', 'order paid', 'response 200 POST /api/pay']);
        out.push(ev('track', { name: 'purchase', order_id, props: { order_id, revenue: PRICES[product]!, currency: 'EUR' } }));
      }
    }

    for (const e of out) {
      if (made === o.events) break;
      batch.push(e);
      made++;
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes the traffic as edge → collector batch bodies, one `CollectorBatch` JSON per line,
 * so a benchmark can send them without generating while it measures.
 */
export async function writeBatchFile(path: string, o: GenerateOptions): Promise<{ events: number; batches: number; bytes: number }> {
  const out = createWriteStream(path);
  let events = 0;
  let batches = 0;
  let bytes = 0;
  for (const batch of generateEventBatches(o)) {
    const line = `${JSON.stringify({ v: PROTOCOL_VERSION, batch_id: crypto.randomUUID(), events: batch })}\n`;
    events += batch.length;
    batches++;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { events, batches, bytes };
}

/** The batch bodies of a file written by `writeBatchFile`, in order. */
export async function* readBatchFile(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield line;
}

/**
 * Loads generated traffic straight into storage (no HTTP), in inserts of `insertRows`, for
 * query benchmarks that need 1M or 10M events in place.
 *
 * @example await loadEvents(storage, { events: 1_000_000, project: 'demo' })
 */
export async function loadEvents(storage: Storage, o: GenerateOptions & { insertRows?: number; onProgress?: (events: number) => void }): Promise<number> {
  const insertRows = o.insertRows ?? 50_000;
  let rows: ReturnType<typeof eventToRow>[] = [];
  let loaded = 0;
  for (const batch of generateEventBatches({ ...o, batchSize: 10_000 })) {
    for (const e of batch) rows.push(eventToRow(e));
    if (rows.length >= insertRows) {
      await insertEvents(storage, rows);
      loaded += rows.length;
      rows = [];
      o.onProgress?.(loaded);
    }
  }
  if (rows.length > 0) {
    await insertEvents(storage, rows);
    loaded += rows.length;
    o.onProgress?.(loaded);
  }
  return loaded;
}
