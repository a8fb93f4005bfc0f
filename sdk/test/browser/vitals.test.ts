import { VITAL_NAMES } from '@lifeline/protocol/limits';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { eventsOf } from '../support/parsedEvents.js';
import { startServer, type TestServer } from '../support/server.js';

let browser: LaunchedBrowser;
let server: TestServer;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(() => server.reset());

describe('web vitals', () => {
  it('reports LCP, INP, CLS, FCP and TTFB once each, final when the page is left, with rating, navigation type and target', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/vitals.html`);
    // The late box has shifted the content (a layout shift needs a frame after the insert).
    await page.waitForFunction(() => document.getElementById('late') !== null);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    // An interaction: INP needs one, and it also ends LCP.
    await page.click('#slow');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    // Leaving the page is when INP and CLS are final; the page-hide flush sends them.
    await page.goto(`${server.origin}/fixtures/next.html`);
    const vitals = await server.waitFor(() => {
      const found = eventsOf(server, 'vital');
      return VITAL_NAMES.every((name) => found.some((v) => v.name === name)) && found;
    }, 10_000);
    expect(vitals.map((v) => v.name).sort()).toEqual([...VITAL_NAMES].sort());
    expect(vitals).toHaveLength(VITAL_NAMES.length);
    for (const v of vitals) {
      expect(v.value).toBeGreaterThanOrEqual(0);
      expect(['good', 'needs-improvement', 'poor']).toContain(v.rating);
      expect(v.nav_type).toBe('navigate');
      expect(v.url).toBe(`${server.origin}/fixtures/vitals.html`);
    }
    const byName = Object.fromEntries(vitals.map((v) => [v.name, v]));
    expect(byName.LCP!.target).toBe('h1#hero');
    expect(byName.INP!.target).toBe('button#slow');
    expect(byName.INP!.value).toBeGreaterThanOrEqual(100);
    expect(byName.CLS!.value).toBeGreaterThan(0);
    expect(byName.CLS!.target).toBe('div#content');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('loads lifeline-vitals.js from beside lifeline.js, only after the page has loaded', async () => {
    const page = await browser.context.newPage();
    const loads: { url: string; loadEnded: boolean }[] = [];
    page.on('request', (r) => {
      if (r.url().includes('lifeline')) loads.push({ url: r.url(), loadEnded: false });
    });
    await page.goto(`${server.origin}/fixtures/tag.html`);
    await page.waitForFunction(() => typeof (window as { lifelineVitals?: unknown }).lifelineVitals == 'function');
    await page.waitForFunction(() => [...document.scripts].some((s) => s.src.endsWith('/dist/lifeline-vitals.js')));
    // The load event had fired by the time the SDK added the file.
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const vitals = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/lifeline-vitals.js'))!;
      return { loadEventEnd: nav.loadEventEnd, vitalsStart: vitals.startTime };
    });
    expect(loads.map((l) => new URL(l.url).pathname)).toEqual(['/dist/lifeline.js', '/dist/lifeline-vitals.js']);
    expect(timing.loadEventEnd).toBeGreaterThan(0);
    expect(timing.vitalsStart).toBeGreaterThanOrEqual(timing.loadEventEnd);
    // The vitals it then reports are the page's from the start: FCP and TTFB come from buffered entries.
    await page.goto(`${server.origin}/fixtures/next.html`);
    const vitals = await server.waitFor(() => {
      const found = eventsOf(server, 'vital');
      return ['FCP', 'TTFB'].every((name) => found.some((v) => v.name === name)) && found;
    }, 10_000);
    expect(vitals.every((v) => v.url === `${server.origin}/fixtures/tag.html`)).toBe(true);
    await page.close();
  });

  it('loads no vitals with data-vitals="off", and loads them from the URL data-vitals names', async () => {
    const requested: string[] = [];
    const page = await browser.context.newPage();
    page.on('request', (r) => void requested.push(new URL(r.url()).pathname));
    await page.goto(`${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent('data-vitals="off"')}`);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(requested.filter((p) => p.includes('vitals'))).toEqual([]);

    const elsewhere = `${server.origin}/dist/lifeline-vitals.js?from=elsewhere`;
    await page.goto(`${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent(`data-vitals="${elsewhere}"`)}`);
    await page.waitForFunction((src) => [...document.scripts].some((s) => s.src == src), elsewhere);
    await page.goto(`${server.origin}/fixtures/next.html`);
    const vitals = await server.waitFor(() => eventsOf(server, 'vital').some((v) => v.name === 'TTFB') && eventsOf(server, 'vital'), 10_000);
    expect(vitals.some((v) => v.url === `${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent(`data-vitals="${elsewhere}"`)}`)).toBe(true);
    await page.close();
  });

  it('lifeline-vitals.js on its own, without the SDK, does nothing', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/nosdk.html`);
    await page.addScriptTag({ url: '/dist/lifeline-vitals.js' });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => 'lifeline' in window || 'lifelineVitals' in window)).toBe(false);
    await page.close();
  });

  it('a vitals file that fails to load is not reported as the page\'s error, and the SDK goes on', async () => {
    const missing = `${server.origin}/dist/no-such-vitals.js`;
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent(`data-vitals="${missing}"`)}`);
    await page.waitForFunction((src) => [...document.scripts].some((s) => s.src == src), missing);
    // A page's own broken image is still reported, so the check below can fail.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('img'), { src: '/dist/no-such-image.png' })));
    await page.evaluate(() => window.lifeline.track('after_vitals_failed'));
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);
    await server.waitFor(() => eventsOf(server, 'error').length > 0 && eventsOf(server, 'track').length > 0);
    const errors = eventsOf(server, 'error').map((e) => String(e.message));
    expect(errors.some((m) => m.includes('no-such-image.png'))).toBe(true);
    expect(errors.some((m) => m.includes('vitals'))).toBe(false);
    expect(eventsOf(server, 'track').map((e) => e.name)).toContain('after_vitals_failed');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
