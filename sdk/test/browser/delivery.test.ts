import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
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
  it('sends what is queued when the page is left (pagehide), long before the batch timer', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.track('leaving', { step: 'cart' }));
    const left = Date.now();
    await page.click('#next');
    await page.waitForURL('**/next.html');
    const event = await server.waitFor(() => server.events().find((e) => e.name === 'leaving'), 4000);
    expect(Date.now() - left).toBeLessThan(3000);
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
    expect(ids(bodies[1]!)).toEqual(ids(bodies[0]!));
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
});
