import { createHash, randomUUID } from 'node:crypto';
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
type PageElement = {
  dataset: Record<string, string | undefined>;
  width: number;
  height: number;
  querySelector(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
};

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

/** A customer the store identified with their email's hash, as its script does at sign-in. */
const CUSTOMER = { user_id: 'cust-ada', email: 'ada.lovelace@example.com', session_id: 's-ada' };

function customerStory(): StoredEvent[] {
  const t = now - 2 * 3_600_000;
  const ev = (kind: string, dt: number, extra: Record<string, unknown>) =>
    ({ project: 'demo', kind, event_id: randomUUID(), ts: t + dt, received_at: t + dt + 40, session_id: CUSTOMER.session_id, url: 'https://shop.test/account', ...extra }) as StoredEvent;
  const email_sha256 = createHash('sha256').update(CUSTOMER.email).digest('hex');
  return [
    ev('pageview', 0, {}),
    ev('track', 2000, { name: 'identify', user_id: CUSTOMER.user_id, props: { email_sha256 } }),
    ev('pageview', 5000, { user_id: CUSTOMER.user_id, url: 'https://shop.test/product/tee-rose' }),
    ev('track', 6000, { name: 'view_product', user_id: CUSTOMER.user_id, props: { product_id: 'tee-rose' } }),
  ];
}

/** A release the generated history does not have, first seen two days ago. */
const NEW_RELEASE = 'demo@2.0.0-rc.1';

function newRelease(): StoredEvent[] {
  const t = Math.floor((now - 2 * DAY) / DAY) * DAY + 10 * 3_600_000;
  return Array.from({ length: 5 }, (_, i) =>
    ({ project: 'demo', kind: 'pageview', event_id: randomUUID(), ts: t + i * 60_000, received_at: t + i * 60_000 + 30, session_id: `s-rc-${i}`, release: NEW_RELEASE, url: 'https://shop.test/' }) as StoredEvent,
  );
}

/**
 * Checkout crashing for 30 shoppers in the outage's first hour, every third one signed in:
 * an error group and a failing endpoint (with request IDs and backend logs) that the
 * anomaly's causes can point to.
 */
function checkoutCrashes(): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let i = 0; i < 30; i++) {
    const t = outage.start + 10 * 60_000 + i * 90_000;
    const request_id = `req-crash-${i}`;
    const who = i % 3 === 0 ? { user_id: `cust-crash-${i}`, anon_id: `anon-crash-${i}` } : { anon_id: `anon-crash-${i}` };
    const base = { project: 'demo', session_id: `s-crash-${i}`, url: 'https://shop.test/checkout', ...who };
    const ev = (kind: string, dt: number, extra: Record<string, unknown>) => ({ ...base, kind, event_id: randomUUID(), ts: t + dt, received_at: t + dt + 30, ...extra }) as StoredEvent;
    out.push(
      ev('log', 0, { request_id, level: 'error', message: 'checkout failed: basket service timed out', service: 'store' }),
      ev('network', 50, { request_id, method: 'POST', url: 'https://shop.test/api/checkout', status: 503, duration_ms: 2500 }),
      ev('error', 100, { request_id, fingerprint: 'checkout-crash', error_type: 'Error', message: 'Error: checkout could not start', stack: 'Error: checkout could not start\n    at startCheckout (store.js:42:7)' }),
    );
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
  for (const events of [...generateHistory({ project: 'demo', now, days: 16, sessionsPerDay: 200, incidents: [outage] }, 10_000), orderStory(), busyHours(), customerStory(), newRelease(), checkoutCrashes()]) {
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

/** Follows a link or submits a form that changes the hash, and waits for the new view to be drawn. */
async function follow(act: () => Promise<void>, view: string): Promise<void> {
  await page.evaluate(() => {
    delete document.documentElement.dataset.drawnAt;
  });
  await act();
  await page.waitForFunction((v) => location.hash.startsWith(`#/${v}`) && document.documentElement.dataset.drawnAt !== undefined, view, { timeout: 20_000 });
}

/** The parameters of a `#/view?…` link. */
const linkParams = (href: string | null) => new URLSearchParams((href ?? '').split('?')[1] ?? '');

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

  it('marks a new release on the overview and shades the anomalies on its charts', async () => {
    await open('overview');
    // The release first seen two days ago is listed and marked on every chart.
    await expect.poll(() => page.locator('.marks li.release').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(NEW_RELEASE)]));
    const labels = await page.locator('.chart .uplot').evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('aria-label') ?? ''));
    expect(labels).toHaveLength(4);
    for (const label of labels) expect(label).toContain(NEW_RELEASE);
    // Anomalies arrive after the charts are drawn; each one of a charted metric is a band under its chart.
    const from = linkParams(await sourceOf('.kpis')).get('from')!;
    const a = await api<AnomaliesResponse>(`/v1/query/anomalies?from=${from}&causes=false`);
    const shadedOn: Record<string, string[]> = { revenue: ['revenue', 'orders'], visits: ['visits'], registrations: ['registrations'], conversion_rate: ['conversion_rate'] };
    const expected = Object.fromEntries(Object.entries(shadedOn).map(([chart, metrics]) => [chart, a.anomalies.filter((x) => metrics.includes(x.metric)).length]));
    // Yesterday's outage: conversion fell with no purchases in its first hour.
    expect(expected.conversion_rate).toBeGreaterThan(0);
    for (const [chart, n] of Object.entries(expected)) {
      await expect.poll(() => page.locator(`.chart[data-metric=${chart}] .u-under .band`).count(), { message: chart }).toBe(n);
    }
    const bands = await page.locator('.chart[data-metric=conversion_rate] .u-under .band').evaluateAll((els) => els.map((e) => {
      const box = (e as unknown as PageElement).getBoundingClientRect();
      return [box.width, box.height];
    }));
    for (const [w, h] of bands) expect(w! * h!).toBeGreaterThan(0);
    expect(await page.locator('.chart[data-metric=conversion_rate] .uplot').getAttribute('aria-label')).toMatch(/Shaded: conversion_rate drop/);
    await shot('overview-annotations');
  });

  it('opens the anomalies from the overview with the answer it already has, then fills in their causes', async () => {
    await open('overview');
    const link = page.locator('.annotations a[href^="#/anomalies"]');
    await link.waitFor({ timeout: 20_000 });
    const before = requested.length;
    await follow(() => link.click(), 'anomalies');
    expect(await page.locator('article.anomaly').count()).toBeGreaterThan(0);
    await page.waitForSelector('.anomalies[data-causes=shown]', { timeout: 20_000 });
    expect(await page.locator('article.anomaly [data-cause]').count()).toBeGreaterThan(0);
    // Only the request with causes went out: the anomalies themselves came from the Overview's answer.
    const asked = requested.slice(before).filter((u) => new URL(u).pathname === '/v1/query/anomalies');
    expect(asked.map((u) => new URL(u).searchParams.get('causes'))).toEqual([null]);
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

  it('builds a funnel from its form: steps, window, and a breakdown by country, then by release', async () => {
    await open('funnel');
    await page.fill('#steps', 'view_product,add_to_cart,purchase');
    await page.selectOption('#window', '1h');
    await page.selectOption('#breakdown', 'country');
    await follow(() => page.click('form.controls button[type=submit]'), 'funnel');
    const byCountry = await api<FunnelResponse>(await sourceOf('[data-source^="/v1/query/funnel"]'));
    expect(byCountry.steps.map((x) => x.event)).toEqual(['view_product', 'add_to_cart', 'purchase']);
    expect(byCountry.window_ms).toBe(3_600_000);
    expect(byCountry.breakdown_by).toBe('country');
    expect(await page.locator('.funnel-steps li').evaluateAll((li) => li.map((l) => Number((l as unknown as PageElement).dataset.count)))).toEqual(byCountry.total.steps.map((x) => x.count));
    const countries = await page.locator('table.data tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as PageElement).dataset.value));
    expect(countries).toEqual(byCountry.breakdown!.map((b) => b.value));
    expect(countries.length).toBeGreaterThan(1);
    expect(await page.locator('section.panel h2', { hasText: 'By country' }).count()).toBe(1);
    // The form keeps what was chosen; only the breakdown changes next.
    expect(await page.inputValue('#window')).toBe('1h');
    await page.selectOption('#breakdown', 'release');
    await follow(() => page.click('form.controls button[type=submit]'), 'funnel');
    const byRelease = await api<FunnelResponse>(await sourceOf('[data-source^="/v1/query/funnel"]'));
    expect(byRelease.breakdown_by).toBe('release');
    expect(byRelease.window_ms).toBe(3_600_000);
    const releases = await page.locator('table.data tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as PageElement).dataset.value));
    expect(releases).toEqual(byRelease.breakdown!.map((b) => b.value));
    expect(releases).toEqual(expect.arrayContaining(['demo@1.5.0']));
    await expectCharts(1);
    await shot('funnel-by-release');
  });

  it('lists the anomalies with their likely causes', async () => {
    loadTimes.anomalies = await open('anomalies');
    // The anomalies are drawn first; their causes are filled in when they arrive.
    await page.waitForSelector('.anomalies[data-causes=shown]', { timeout: 20_000 });
    const a = await api<AnomaliesResponse>(await sourceOf('.anomalies'));
    // Yesterday's payments outage stands out against the two weeks before it.
    expect(a.anomalies.length).toBeGreaterThan(0);
    expect(await page.locator('article.anomaly').count()).toBe(a.anomalies.length);
    expect(await page.locator('article.anomaly').evaluateAll((els) => els.map((e) => (e as unknown as PageElement).dataset.metric))).toEqual(a.anomalies.map((x) => x.metric));
    expect(await page.locator('article.anomaly [data-cause]').count()).toBe(a.anomalies.reduce((n, x) => n + x.causes.length, 0));
    await shot('anomalies');
  });

  it('follows an anomaly’s causes into the errors view and into a timeline', async () => {
    await open('anomalies');
    await page.waitForSelector('.anomalies[data-causes=shown]', { timeout: 20_000 });
    const a = await api<AnomaliesResponse>(await sourceOf('.anomalies'));
    const causes = a.anomalies.flatMap((x) => x.causes);
    expect(causes.some((c) => c.kind === 'error_group')).toBe(true);
    // An error group cause opens that group in the errors view.
    const toErrors = page.locator('article.anomaly [data-cause=error_group] a[data-link=errors]').first();
    const key = linkParams(await toErrors.getAttribute('href')).get('key')!;
    expect(causes.filter((c) => c.kind === 'error_group').map((c) => c.kind === 'error_group' && c.key)).toContain(key);
    await follow(() => toErrors.click(), 'errors');
    await expect.poll(() => page.locator('.error-detail [data-group]').getAttribute('data-group')).toBe(key);
    expect(await page.locator('table.errors tr.selected').getAttribute('data-key')).toBe(key);
    // A cause's timeline link opens the story of a request or session it names.
    await open('anomalies');
    await page.waitForSelector('.anomalies[data-causes=shown]', { timeout: 20_000 });
    const toTimeline = page.locator('article.anomaly [data-cause] a[data-link=timeline]').first();
    const target = linkParams(await toTimeline.getAttribute('href'));
    await follow(() => toTimeline.click(), 'timeline');
    const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
    expect([t.by, t.id]).toEqual([target.get('by'), target.get('id')]);
    expect(t.events.length).toBeGreaterThan(0);
    expect(await page.locator('ol.timeline li.event').evaluateAll((li) => li.map((l) => (l as unknown as PageElement).dataset.eventId))).toEqual(t.events.map((e) => e.event_id));
    expect(await page.locator('ol.timeline li.event.bad').count()).toBeGreaterThan(0);
    await shot('anomaly-cause-timeline');
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

  it('lists who an error group hit, the most recent first, each linking to their timeline', async () => {
    await open('errors?key=checkout-crash');
    const e = await api<ErrorsResponse>(await sourceOf('[data-source^="/v1/query/errors"]'));
    const g = e.groups.find((x) => x.key === 'checkout-crash')!;
    expect(g.users).toBe(30);
    // The 20 most recently hit of the 30 crashes, newest first: signed-in users by user ID, the others by visitor ID.
    const expected = Array.from({ length: 20 }, (_, k) => 29 - k).map((i) => (i % 3 === 0 ? `cust-crash-${i}` : `anon-crash-${i}`));
    expect(g.affected_users.map((u) => u.id)).toEqual(expected);
    const rows = await page.locator('[data-group=checkout-crash] table.affected-users tbody tr').evaluateAll((rs) => rs.map((r) => [(r as unknown as PageElement).dataset.user, (r as unknown as PageElement).dataset.anonymous]));
    expect(rows).toEqual(expected.map((id) => [id, String(id.startsWith('anon-'))]));
    expect(await page.locator('[data-group=checkout-crash] h3', { hasText: 'Affected users' }).textContent()).toBe('Affected users (the 20 most recent of 30)');
    // An anonymous visitor links to their session's timeline.
    expect(await page.locator('table.affected-users tr[data-user="anon-crash-29"] a').getAttribute('href')).toBe('#/timeline?by=session&id=s-crash-29');
    await shot('error-affected-users');
    await follow(() => page.locator('table.affected-users tr[data-user="cust-crash-27"] a').click(), 'timeline');
    const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
    expect([t.by, t.id]).toEqual(['user', 'cust-crash-27']);
    expect(t.events.some((x) => x.kind === 'error' && x.fingerprint === 'checkout-crash' && x.user_id === 'cust-crash-27')).toBe(true);
    expect(await page.locator('ol.timeline li.event').count()).toBe(t.events.length);
    // Its request's backend log comes along.
    expect(await page.locator('ol.timeline li.event[data-source=backend]').count()).toBe(1);
  });

  it('looks timelines up by session and by user from the form', async () => {
    for (const [by, id] of [['session', 's-order-story'], ['user', CUSTOMER.user_id]] as const) {
      await open('timeline');
      await page.selectOption('#lookup-by', by);
      await page.fill('#lookup-id', id);
      await follow(() => page.click('form.controls button[type=submit]'), 'timeline');
      const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
      expect([t.by, t.id]).toEqual([by, id]);
      const key = by === 'session' ? 'session_id' : 'user_id';
      const matched = t.events.filter((x) => t.via[x.event_id] === 'match');
      expect(matched.length).toBeGreaterThan(0);
      for (const x of matched) expect((x as Record<string, unknown>)[key]).toBe(id);
      expect(await page.locator('ol.timeline li.event').evaluateAll((li) => li.map((l) => (l as unknown as PageElement).dataset.eventId))).toEqual(t.events.map((x) => x.event_id));
    }
    // The user's session is read whole: the page view before they signed in is there too.
    expect(await page.locator('ol.timeline li.event[data-kind=pageview]').count()).toBe(2);
  });

  it('finds a customer by email, and says why a malformed email is refused', async () => {
    await open('timeline');
    expect(await page.locator('#lookup-by option[value=email]').count()).toBe(1);
    await page.selectOption('#lookup-by', 'email');
    await page.fill('#lookup-id', 'Ada.Lovelace@Example.com');
    await follow(() => page.click('form.controls button[type=submit]'), 'timeline');
    const t = await api<QueryTimelineResponse>(await sourceOf('.timeline-out'));
    expect(t).toMatchObject({ by: 'email', id: CUSTOMER.email, user_ids: [CUSTOMER.user_id] });
    expect(await page.locator('ol.timeline li.event').evaluateAll((li) => li.map((l) => (l as unknown as PageElement).dataset.eventId))).toEqual(t.events.map((x) => x.event_id));
    expect(t.events.map((x) => x.kind)).toEqual(['pageview', 'track', 'pageview', 'track']);
    expect(await page.locator('.matched-users a').getAttribute('href')).toBe(`#/timeline?by=user&id=${CUSTOMER.user_id}`);
    await shot('timeline-by-email');
    await page.selectOption('#lookup-by', 'email');
    await page.fill('#lookup-id', 'ada.lovelace');
    await follow(() => page.click('form.controls button[type=submit]'), 'timeline');
    expect(await page.locator('.timeline-out [role=alert]').textContent()).toBe('That lookup was refused: id: expected an email address, like ada@example.com.');
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
