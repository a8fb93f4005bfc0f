import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AlertHistoryResponse, AnomaliesResponse, ErrorsResponse, FunnelResponse, MetricsResponse, QueryTimelineResponse, RedResponse, StoredEvent, VitalsResponse,
} from '@lifeline/protocol';
import { generateHistory } from '../../../demo-store/src/traffic/history';
import { launchBrowser, type LaunchedBrowser } from '../../../sdk/test/support/browser';
import { openCollector, type Collector } from '../../src/collector';
import { TOKENS, makeBatch, postBatch, tempDir, testConfig } from '../helpers';
import { buildDashboardIfStale, listen } from './support';

/**
 * The page's globals as used inside `page.evaluate` callbacks, which run in the browser;
 * declared here because the collector's type-check has no DOM library (its code runs on Node).
 */
declare const document: { documentElement: { dataset: Record<string, string | undefined> }; querySelector(selector: string): unknown };
declare const sessionStorage: { length: number; getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const location: { hash: string };
type PageElement = { dataset: Record<string, string | undefined>; width: number; height: number; querySelector(selector: string): PageElement | null; getAttribute(name: string): string | null };

const artifacts = fileURLToPath(new URL('../../../test-artifacts/dashboard/', import.meta.url));
const TOKEN = TOKENS.demo;
const DAY = 86_400_000;
const dir = tempDir();
const now = Date.now();
/** A payments outage yesterday afternoon: failed calls, errors, fallbacks and flag flips to find. */
const outage = { kind: 'payments_down' as const, start: Math.floor((now - DAY) / DAY) * DAY + 14 * 3_600_000, minutes: 120 };

const ORDER = 'FT-424242';

/** One shopper's purchase, with the payment call and its backend logs joined by a request ID. */
function orderStory(): StoredEvent[] {
  const base = { project: 'demo', session_id: 's-order-story', url: 'https://shop.test/checkout' };
  const t = now - 3_600_000;
  const request_id = 'req-order-story';
  const ev = (kind: string, dt: number, extra: Record<string, unknown>) => ({ ...base, kind, event_id: randomUUID(), ts: t + dt, received_at: t + dt + 50, ...extra }) as StoredEvent;
  return [
    ev('track', 0, { name: 'order_created', props: { value: 24 } }),
    ev('log', 100, { level: 'info', message: 'request POST /api/pay', service: 'store', request_id }),
    ev('log', 300, { level: 'info', message: 'order paid', service: 'store', request_id, order_id: ORDER }),
    ev('network', 320, { method: 'POST', url: 'https://shop.test/api/pay', status: 200, duration_ms: 240, request_id }),
    ev('track', 400, { name: 'purchase', order_id: ORDER, request_id, props: { order_id: ORDER, revenue: 24, currency: 'EUR' } }),
  ];
}

/**
 * 80 extra shoppers in the outage's first hour and in the same hour one and two weeks
 * before: about 30% of them buy in the earlier weeks, none during the outage. The generated
 * history alone has too few sessions an hour for the anomaly query to judge conversion.
 */
function busyHours(): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const weeksBack of [2, 1, 0]) {
    const hour = outage.start - weeksBack * 7 * DAY;
    for (let i = 0; i < 80; i++) {
      const session_id = `s-busy-${weeksBack}-${i}`;
      const t = hour + i * 40_000;
      const ev = (kind: string, dt: number, extra: Record<string, unknown>) =>
        ({ project: 'demo', session_id, kind, event_id: randomUUID(), ts: t + dt, received_at: t + dt + 30, url: 'https://shop.test/product/tee-rose', ...extra }) as StoredEvent;
      out.push(ev('pageview', 0, {}), ev('track', 1000, { name: 'view_product', props: { product_id: 'tee-rose' } }));
      if (weeksBack > 0 && i % 10 < 3) out.push(ev('track', 20_000, { name: 'purchase', order_id: `FT-B${weeksBack}${i}`, props: { revenue: 26, currency: 'EUR' } }));
    }
  }
  return out;
}

let collector: Collector;
let server: { url: string; close: () => Promise<void> };
let browser: LaunchedBrowser;
let page: Page;
const requested: string[] = [];
const apiAuth: (string | undefined)[] = [];
const loadTimes: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  buildDashboardIfStale();
  const rules = join(dir.path, 'alerts.json');
  writeFileSync(rules, JSON.stringify({
    project: 'demo',
    rules: [{ id: 'pay-errors', name: 'Payment calls failing', kind: 'threshold', severity: 'critical', source: 'network', metric: 'error_rate', op: 'above', value: 0.01, window: '3d', min_count: 1, filter: { path: '/api/pay' } }],
  }));
  collector = await openCollector(testConfig(join(dir.path, 'chdb')), { env: { LIFELINE_ALERTS_FILE: rules } });
  for (const events of [...generateHistory({ project: 'demo', now, days: 16, sessionsPerDay: 200, incidents: [outage] }, 10_000), orderStory(), busyHours()]) {
    const res = await postBatch(collector.app, makeBatch(events));
    expect(res.status).toBe(200);
  }
  await collector.alerting.evaluate(now);
  await collector.alerting.flush();
  server = await listen(collector.app);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  page.on('request', (r) => {
    requested.push(r.url());
    if (new URL(r.url()).pathname.startsWith('/v1/')) apiAuth.push(r.headers().authorization);
  });
}, 180_000);

afterAll(async () => {
  if (Object.keys(loadTimes).length) {
    writeFileSync(join(artifacts, 'load-times.json'), JSON.stringify(loadTimes, null, 2) + '\n');
    console.log(`dashboard: navigation → charts drawn (ms): ${JSON.stringify(loadTimes)}`);
  }
  await browser?.close();
  await server?.close();
  await collector?.close();
  dir.remove();
});

/** The query API's own answer to what a panel says it shows (its `data-source`). */
async function api<T>(source: string): Promise<T> {
  const res = await fetch(server.url + source, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Loads a view afresh and waits until it says its charts are drawn; returns ms since navigation. */
async function open(view: string): Promise<number> {
  // A different document first: only a hash change would not load the page again.
  await page.goto('about:blank');
  await page.goto(`${server.url}/dashboard/#/${view}`);
  await page.waitForFunction(() => document.documentElement.dataset.drawnAt !== undefined, null, { timeout: 20_000 });
  return Number(await page.evaluate(() => document.documentElement.dataset.drawnAt));
}

const sourceOf = (selector: string) => page.locator(selector).first().getAttribute('data-source') as Promise<string>;

async function expectCharts(min: number) {
  const sizes = await page.locator('.view canvas').evaluateAll((cs) => cs.map((c) => [(c as unknown as PageElement).width, (c as unknown as PageElement).height]));
  expect(sizes.length).toBeGreaterThanOrEqual(min);
  for (const [w, h] of sizes) expect(w! * h!).toBeGreaterThan(0);
}

const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

describe('dashboard in a browser', () => {
  it('asks for the read token and says clearly when it is refused', async () => {
    await page.goto(`${server.url}/dashboard/`);
    await expect.poll(() => page.locator('form.sign-in').isVisible()).toBe(true);
    await page.fill('#token', 'rt_not_a_token');
    await page.click('form.sign-in button[type=submit]');
    await expect.poll(() => page.locator('#sign-in-message').textContent()).toBe('That read token was not accepted: unknown read token.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await shot('sign-in-refused');
  });

  it('signs in, keeps the token for the tab, and shows the overview with the query API figures', async () => {
    await page.fill('#token', TOKEN);
    await page.click('form.sign-in button[type=submit]');
    await page.waitForFunction(() => document.documentElement.dataset.drawnAt !== undefined, null, { timeout: 20_000 });
    expect(await page.locator('.topbar .project').textContent()).toBe('demo');
    loadTimes.overview = await open('overview');
    const m = await api<MetricsResponse>(await sourceOf('.kpis'));
    for (const metric of ['orders', 'visits', 'registrations', 'conversion_rate'] as const) {
      expect(Number(await page.locator(`.kpi[data-metric=${metric}]`).getAttribute('data-value'))).toBe(m.totals[metric]);
    }
    expect(m.totals.visits).toBeGreaterThan(500);
    await expectCharts(4);
    // The outage's flag flips are listed and marked.
    await expect.poll(() => page.locator('.marks li.flag').count()).toBe(2);
    await expect.poll(() => page.locator('[data-flags-source]').getAttribute('data-flags-source')).toBe('events');
    expect(await page.locator('table.flags tr[data-feature=checkout] .badge').textContent()).toBe('ok');
    await shot('overview');
    await page.click('a[aria-pressed=false]');
    await page.waitForFunction(() => document.documentElement.dataset.drawnAt !== undefined && location.hash.includes('interval=hour'));
    await expectCharts(4);
  });

  it('shows a funnel with the steps, conversion and previous period the query API computed', async () => {
    loadTimes.funnel = await open('funnel?breakdown=browser');
    const f = await api<FunnelResponse>(await sourceOf('[data-source^="/v1/query/funnel"]'));
    const counts = await page.locator('.funnel-steps li').evaluateAll((li) => li.map((l) => Number((l as unknown as PageElement).dataset.count)));
    expect(counts).toEqual(f.total.steps.map((s) => s.count));
    expect(counts[0]).toBeGreaterThan(100);
    expect(f.previous).toBeDefined();
    expect(await page.locator('table.data tbody tr').count()).toBe(f.breakdown!.length);
    await expectCharts(1);
    await shot('funnel');
  });

  it('lists the anomalies with their likely causes', async () => {
    loadTimes.anomalies = await open('anomalies');
    const a = await api<AnomaliesResponse>(await sourceOf('.anomalies'));
    // Yesterday's payments outage stands out against the two weeks before it.
    expect(a.anomalies.length).toBeGreaterThan(0);
    expect(await page.locator('article.anomaly').count()).toBe(a.anomalies.length);
    expect(await page.locator('article.anomaly').evaluateAll((els) => els.map((e) => (e as unknown as PageElement).dataset.metric))).toEqual(a.anomalies.map((x) => x.metric));
    expect(await page.locator('article.anomaly [data-cause]').count()).toBe(a.anomalies.reduce((n, x) => n + x.causes.length, 0));
    await shot('anomalies');
  });

  it('shows error groups with trends and opens one with its stack and timeline links', async () => {
    loadTimes.errors = await open('errors');
    const e = await api<ErrorsResponse>(await sourceOf('[data-source^="/v1/query/errors"]'));
    const shown = await page.locator('table.errors tbody tr').evaluateAll((rows) => rows.map((r) => [(r as unknown as PageElement).dataset.key, Number((r as unknown as PageElement).querySelector('[data-count]')!.getAttribute('data-count'))]));
    expect(shown).toEqual(e.groups.map((g) => [g.key, g.count]));
    expect(await page.locator('svg.sparkline').count()).toBe(e.groups.length);
    const payment = e.groups.find((g) => g.key === 'payment-failed')!;
    expect(payment).toBeDefined();
    await page.click('tr[data-key=payment-failed] a');
    await expect.poll(() => page.locator('[data-group=payment-failed] pre.stack').textContent()).toContain('Payment failed');
    await expectCharts(1);
    await shot('errors');
    // The sample's request opens its timeline: browser, network and backend in one story.
    await page.click('[data-group=payment-failed] a:text("Timeline of its request")');
    await page.waitForFunction(() => location.hash.startsWith('#/timeline') && document.documentElement.dataset.drawnAt !== undefined);
    const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
    expect(t.request_ids).toContain(payment.sample.request_id);
    expect(await page.locator('ol.timeline li.event').count()).toBe(t.events.length);
    const lanes = new Set(await page.locator('ol.timeline li.event').evaluateAll((li) => li.map((l) => (l as unknown as PageElement).dataset.source)));
    expect([...lanes].sort()).toEqual(expect.arrayContaining(['backend', 'browser', 'network']));
    expect(await page.locator('ol.timeline li.event.bad').count()).toBeGreaterThan(0);
    await shot('timeline');
  });

  it('looks a timeline up by order ID from the form', async () => {
    loadTimes.timeline = await open('timeline');
    await page.selectOption('#lookup-by', 'order');
    await page.fill('#lookup-id', ORDER);
    await page.click('form.controls button[type=submit]');
    await page.waitForFunction(() => document.querySelector('ol.timeline') !== null, null, { timeout: 20_000 });
    const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
    const shown = await page.locator('ol.timeline li.event').evaluateAll((li) => li.map((l) => (l as unknown as PageElement).dataset.eventId));
    expect(shown).toEqual(t.events.map((e) => e.event_id));
    // The order's whole story: the purchase, the payment call and the backend's logs of it.
    expect(await page.locator('ol.timeline li.event[data-kind=network]').textContent()).toContain('POST /api/pay → 200');
    expect(await page.locator('ol.timeline li.event[data-source=backend]').count()).toBe(2);
    expect(await page.locator('ol.timeline li.event[data-kind=track]').count()).toBe(2);
  });

  it('shows web vitals: p75 per vital and path, rating shares over time', async () => {
    loadTimes.vitals = await open('vitals');
    const v = await api<VitalsResponse>(await sourceOf('[data-source^="/v1/query/vitals"]'));
    for (const s of v.overall) expect(Number(await page.locator(`.kpi[data-metric=${s.name}]`).getAttribute('data-value'))).toBe(s.p75);
    expect(await page.locator('tr[data-path]').count()).toBe(v.by_path.length);
    await expectCharts(2);
    await shot('vitals');
  });

  it('shows RED metrics per endpoint', async () => {
    loadTimes.red = await open('red');
    const r = await api<RedResponse>(await sourceOf('[data-source^="/v1/query/red"]'));
    const rows = await page.locator('tr[data-endpoint]').evaluateAll((rs) => rs.map((x) => Number((x as unknown as PageElement).querySelector('[data-requests]')!.getAttribute('data-requests'))));
    expect(rows).toEqual(r.endpoints.map((e) => e.requests));
    expect(r.endpoints.some((e) => e.path === '/api/pay' && e.errors > 0)).toBe(true);
    await expectCharts(1);
    await shot('red');
  });

  it('shows the alerts firing and their history', async () => {
    loadTimes.alerts = await open('alerts');
    const h = await api<AlertHistoryResponse>(await sourceOf('[data-source^="/v1/alerts/history"]'));
    expect(h.firing.map((f) => f.key)).toEqual(['pay-errors']);
    expect(await page.locator('.alert-card[data-key=pay-errors]').count()).toBe(1);
    expect(await page.locator('tr[data-id]').count()).toBe(h.history.length);
    await shot('alerts');
  });

  it('loads each view quickly', () => {
    expect(Object.keys(loadTimes)).toHaveLength(8);
    // The target is under a second (docs/benchmarks.md, measured alone by the bench); here
    // test files run in parallel on small machines, so the bound leaves room for that.
    for (const [view, ms] of Object.entries(loadTimes)) expect(ms, view).toBeLessThan(2500);
  });

  it('never puts the token in a URL, and sends it as a bearer header on every API call', async () => {
    expect(requested.length).toBeGreaterThan(20);
    for (const url of requested) expect(url).not.toContain(TOKEN);
    expect(page.url()).not.toContain(TOKEN);
    expect(apiAuth.filter((a) => a === `Bearer ${TOKEN}`).length).toBeGreaterThan(10);
    expect(requested.every((u) => u.startsWith(server.url))).toBe(true);
  });

  it('returns to the sign-in form when the stored token stops working', async () => {
    await page.evaluate(() => sessionStorage.setItem('lifeline.readToken', 'rt_revoked'));
    await page.goto('about:blank');
    await page.goto(`${server.url}/dashboard/#/overview`);
    await expect.poll(() => page.locator('#sign-in-message').textContent()).toMatch(/^The read token was refused \(unknown read token\)\. Sign in again\.$/);
    expect(await page.evaluate(() => sessionStorage.getItem('lifeline.readToken'))).toBeNull();
  });
});
