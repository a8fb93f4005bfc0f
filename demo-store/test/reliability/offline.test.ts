import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../support/harness';
import { eventually, figures, report, stored, watchDeliveries, type Deliveries } from './support';

/**
 * The browser's side of delivery: offline then online again, and a page closed while its
 * events are still being sent. Within the SDK's bounds (1000 events in memory, 200 in
 * localStorage) every event is delivered once; beyond them the drops are counted and
 * reported as a `lifeline_dropped` event.
 */
describe('reliability: offline browsers and closed pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('reliability-offline');
  });
  afterAll(async () => {
    await h?.close();
  });

  const open = async (deliveries?: Deliveries) => {
    const { page, pageErrors } = await h.page();
    const watched = watchDeliveries(page, deliveries);
    await page.goto(`${h.stack.urls.store}/product/tee-midnight`);
    await page.waitForFunction(() => typeof (window as any).lifeline?.sessionId?.() === 'string');
    const sessionId = (await page.evaluate(() => (window as any).lifeline.sessionId())) as string;
    return { page, pageErrors, deliveries: watched, sessionId };
  };
  /** Records `count` probes at once, each with `pad` characters of props, as fast as the page can. */
  const probe = (page: Page, run: string, count: number, pad = 0) =>
    page.evaluate(
      ([r, n, p]) => {
        for (let i = 0; i < n; i++) (window as any).lifeline.track('probe', { run: r, i, ...(p ? { pad: 'x'.repeat(p) } : {}) });
      },
      [run, count, pad] as const,
    );
  /** Waits until the timeline holds every probe of `run` (or `ms` pass) and answers the figures. */
  const settle = async (sessionId: string, run: string, recorded: number, deliveries: Deliveries, expected = recorded) => {
    let result = figures(recorded, run, deliveries, []);
    await eventually(async () => (result = figures(recorded, run, deliveries, await stored(h, sessionId))).stored >= expected, 60_000, 500);
    return result;
  };
  const dropReports = async (sessionId: string) =>
    (await stored(h, sessionId)).filter((e) => e.kind === 'track' && e.name === 'lifeline_dropped').map((e) => (e as { props?: Record<string, number> }).props ?? {});

  it('offline, then online: every event recorded offline is delivered once', async () => {
    const { page, pageErrors, deliveries, sessionId } = await open();
    const run = `offline-${Date.now()}`;
    await page.context().setOffline(true);
    await probe(page, run, 150);
    // Sends fail while offline; the SDK backs off and keeps the events (memory and localStorage).
    await new Promise((r) => setTimeout(r, 8_000));
    const storedLocally = (await page.evaluate(() => JSON.parse(localStorage.getItem('lifeline:queue') ?? '[]').length)) as number;
    await page.context().setOffline(false);
    const result = { ...(await settle(sessionId, run, 150, deliveries)), kept_in_local_storage_while_offline: storedLocally };
    report('offline-online', result);
    expect(storedLocally).toBeGreaterThan(0);
    expect(result.stored).toBe(150);
    expect(result.duplicated).toBe(0);
    expect(await dropReports(sessionId)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('a page closed mid-flush: every event arrives once, by keepalive, beacon or the next page', async () => {
    const deliveries: Deliveries = { sent: new Map(), answers: [] };
    const first = await open(deliveries);
    const run = `closed-${Date.now()}`;
    // 150 events of about 600 bytes: more than the 64 KiB a closing page may send with keepalive.
    await probe(first.page, run, 150, 500);
    await first.page.close({ runBeforeUnload: true });
    const next = await open(deliveries);
    expect(next.sessionId).toBe(first.sessionId);
    const result = await settle(first.sessionId, run, 150, deliveries);
    report('page-closed-mid-flush', result);
    expect(result.stored).toBe(150);
    expect(result.duplicated).toBe(0);
    expect([...first.pageErrors, ...next.pageErrors]).toEqual([]);
    await next.page.close();
  });

  it('beyond the bounds: the oldest events are dropped, counted and reported', async () => {
    const { page, pageErrors, deliveries, sessionId } = await open();
    const run = `bounds-${Date.now()}`;
    const recorded = 1200;
    await page.context().setOffline(true);
    await probe(page, run, recorded);
    await new Promise((r) => setTimeout(r, 3_000));
    await page.context().setOffline(false);
    // 1000 events fit in memory: the 200 oldest are dropped for `queue_full`.
    const result = await settle(sessionId, run, recorded, deliveries, 1000);
    let reports: Array<Record<string, number>> = [];
    await eventually(async () => (reports = await dropReports(sessionId)).length > 0, 30_000, 500);
    const queueFull = reports.reduce((n, r) => n + (r.queue_full ?? 0), 0);
    report('beyond-bounds', { ...result, reported_drops: JSON.stringify(reports), reported_queue_full: queueFull });
    expect(result.stored).toBe(1000);
    expect(result.duplicated).toBe(0);
    // Every probe not stored is counted as dropped for lack of room in memory; the count also
    // holds the few events the page recorded before the probes (its pageview and vitals).
    expect(queueFull).toBeGreaterThanOrEqual(recorded - result.stored);
    expect(queueFull).toBeLessThan(recorded - result.stored + 10);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
