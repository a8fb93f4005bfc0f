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
});
