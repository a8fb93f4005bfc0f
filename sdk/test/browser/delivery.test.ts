import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
afterEach(() => browser.context.setOffline(false));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (body: { events: Record<string, unknown>[] }) => body.events.map((e) => e.event_id).sort();

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('delivery', () => {
  it('sends what is queued when the page is left (pagehide): the batch timer dies with the page', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.track('leaving', { step: 'cart' }));
    await page.click('#next');
    await page.waitForURL('**/next.html');
    const event = await server.waitFor(() => server.events().find((e) => e.name === 'leaving'), 4000);
    expect(event).toMatchObject({ kind: 'track', props: { step: 'cart' } });
    expect(server.events().filter((e) => e.kind === 'pageview')).toHaveLength(1);
    await page.close();
  });

  it('sends what is queued when the page becomes hidden (visibilitychange)', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => {
      window.lifeline.track('tab_hidden');
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await server.waitFor(() => server.events().find((e) => e.name === 'tab_hidden'), 2000);
    await page.close();
  });

  it('retries a 503 with the same event_ids and delivers once', async () => {
    let calls = 0;
    server.respondWith(() => ({ status: ++calls === 1 ? 503 : 202 }));
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.track('retried'));
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(false);
    await server.waitFor(() => server.bodies().length >= 2, 5000);
    // Long enough for a wrong extra retry (the first backoff is at most a second).
    await sleep(1500);

    const bodies = server.bodies();
    expect(bodies).toHaveLength(2);
    // The retry sends the same events again (vitals that became ready meanwhile may join).
    expect(ids(bodies[1]!)).toEqual(expect.arrayContaining(ids(bodies[0]!)));
    expect(bodies[1]!.events.filter((e) => e.name === 'retried')).toHaveLength(1);
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('waits as long as a 429 Retry-After asks (read cross-origin through Access-Control-Expose-Headers)', async () => {
    let calls = 0;
    server.respondWith(() => (++calls === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 202 }));
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(false);
    await server.waitFor(() => server.requests.length >= 2, 6000);
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    expect(second!.body.length).toBeGreaterThan(0);
    await page.close();
  });

  it('keeps the page working, with no exception reaching it, when the endpoint is unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html?endpoint=${endpoint}`);
    const flushed = await page.evaluate(() => {
      window.lifeline.track('offline', { n: 1 });
      window.lifeline.captureError(new Error('handled while offline'));
      return window.lifeline.flush();
    });
    expect(flushed).toBe(false);
    for (let i = 0; i < 3; i++) await page.click('#count');
    await expect(page.textContent('#count')).resolves.toBe('3');
    await page.click('#boom');
    await page.click('#reject-string');
    // Let the error flush and a retry or two fail in the background.
    await sleep(2500);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(pageErrors.filter((m) => m !== 'boom from click' && m !== 'card declined')).toEqual([]);
    expect(pageErrors).toContain('boom from click');
    expect(server.requests).toEqual([]);
    await page.close();
  });

  it('reports a batch refused with 400 as lifeline_dropped on the next accepted send', async () => {
    let calls = 0;
    server.respondWith(() => ({ status: ++calls === 1 ? 400 : 202 }));
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(async () => {
      window.lifeline.track('refused');
      await window.lifeline.flush();
      window.lifeline.track('accepted');
      await window.lifeline.flush();
      await window.lifeline.flush();
    });
    const dropped = eventsOf(server, 'track').find((e) => e.name === 'lifeline_dropped');
    expect(dropped?.props).toEqual({ rejected: expect.any(Number) });
    expect(Number(dropped?.props?.rejected)).toBeGreaterThanOrEqual(2);
    await page.close();
  });
});

describe('offline', () => {
  const storedIds = () => (JSON.parse(localStorage.getItem('lifeline:queue') ?? '[]') as { event_id: string }[]).map((e) => e.event_id);

  it('stores events while offline and sends them, with their event_ids, when the browser is back online', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.flush());
    server.reset();
    await browser.context.setOffline(true);
    const flushed = await page.evaluate(() => {
      window.lifeline.track('offline_1');
      window.lifeline.track('offline_2', { order_id: 'B-1' });
      return window.lifeline.flush();
    });
    expect(flushed).toBe(false);
    const stored = await page.evaluate(storedIds);
    expect(stored.length).toBeGreaterThanOrEqual(2);
    await browser.context.setOffline(false);
    const events = await server.waitFor(() => {
      const found = eventsOf(server, 'track').filter((e) => e.name.startsWith('offline_'));
      return found.length >= 2 && found;
    });
    expect(events).toHaveLength(2);
    expect(stored).toEqual(expect.arrayContaining(events.map((e) => e.event_id)));
    await page.waitForFunction(() => localStorage.getItem('lifeline:queue') === null);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('sends events stored by an earlier page on the next page load', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await browser.context.setOffline(true);
    await page.evaluate(() => {
      window.lifeline.captureError(new Error('lost connection at checkout'));
      return window.lifeline.flush();
    });
    const stored = await page.evaluate(storedIds);
    await page.close();
    server.reset();
    await browser.context.setOffline(false);
    const { page: next } = await openPage(browser, `${server.origin}/fixtures/next.html`);
    // next.html has no SDK: nothing is sent until a page with the SDK loads.
    await next.goto(`${server.origin}/fixtures/bare.html`);
    await next.evaluate((endpoint) => window.lifeline.init({ key: 'pk_test', endpoint }), server.endpoint);
    const error = await server.waitFor(() => eventsOf(server, 'error').find((e) => stored.includes(e.event_id)));
    expect(error).toMatchObject({ message: 'lost connection at checkout' });
    await next.close();
  });

  it('on leaving the page, sends what fits the keepalive budget and stores the rest for the next page', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.flush());
    server.reset();
    // About 110 KB of events, more than the keepalive budget, then the page is hidden in
    // the same task, before any batch timer could send them.
    const stored = await page.evaluate(() => {
      for (let i = 0; i < 100; i++) window.lifeline.track(`bulk_${i}`, { filler: 'x'.repeat(1000) });
      dispatchEvent(new PageTransitionEvent('pagehide'));
      return (JSON.parse(localStorage.getItem('lifeline:queue') ?? '[]') as unknown[]).length;
    });
    // Some left with keepalive; the beacon shares its budget in Chromium, so the rest waits in storage.
    expect(stored).toBeGreaterThan(20);
    expect(stored).toBeLessThan(100);
    const bulk = () => new Set(eventsOf(server, 'track').map((e) => e.name).filter((n) => n.startsWith('bulk_')));
    await page.goto(`${server.origin}/fixtures/next.html`);
    await server.waitFor(() => bulk().size >= 100 - stored);
    await page.goto(`${server.origin}/fixtures/tag.html`);
    await server.waitFor(() => bulk().size === 100, 10_000);
    await page.close();
  });
});
