import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { eventsOf, parsedEvents } from '../support/parsedEvents.js';
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

describe('pageviews', () => {
  it('records single-page-app navigations: pushState, replaceState and popstate, not fragment changes', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(async () => {
      history.pushState({}, '', '/fixtures/tag.html?page=2');
      history.pushState({}, '', '/fixtures/tag.html?page=2#reviews');
      history.replaceState({}, '', '/fixtures/product/7');
      history.pushState({}, '', '/fixtures/product/7');
      document.title = 'Cart';
      history.pushState({}, '', '/fixtures/cart');
      const popped = new Promise((resolve) => addEventListener('popstate', resolve, { once: true }));
      history.back();
      await popped;
    });
    await page.evaluate(() => window.lifeline.flush());
    const views = eventsOf(server, 'pageview').map((e) => [e.url.replace(server.origin, ''), e.referrer?.replace(server.origin, '')]);
    expect(views).toEqual([
      ['/fixtures/tag.html', undefined],
      ['/fixtures/tag.html?page=2', '/fixtures/tag.html'],
      ['/fixtures/product/7', '/fixtures/tag.html?page=2'],
      ['/fixtures/cart', '/fixtures/product/7'],
      ['/fixtures/product/7', '/fixtures/cart'],
    ]);
    expect(eventsOf(server, 'pageview')[3]!.title).toBe('Cart');
    // The page's own history calls keep working, exceptions included.
    const refused = await page.evaluate(() => {
      try {
        history.pushState({}, '', 'https://elsewhere.example/');
        return 'no error';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(refused).toBe('SecurityError');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('users and orders', () => {
  it('keeps anon_id across visits, user_id after identify (also after a reload), and renews both on reset', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => {
      window.lifeline.track('anonymous');
      window.lifeline.identify('cust_42', { plan: 'gold', email: 'bob@example.com' });
      window.lifeline.identify('cust_42');
      window.lifeline.track('known');
      return window.lifeline.flush();
    });
    await page.reload();
    await page.evaluate(() => {
      window.lifeline.track('after_reload');
      window.lifeline.reset();
      window.lifeline.track('after_reset');
      return window.lifeline.flush();
    });
    const tracks = eventsOf(server, 'track');
    expect(tracks.map((e) => [e.name, e.user_id])).toEqual([
      ['anonymous', undefined],
      ['identify', 'cust_42'],
      ['known', 'cust_42'],
      ['after_reload', 'cust_42'],
      ['after_reset', undefined],
    ]);
    expect(tracks[1]!.props).toEqual({ plan: 'gold', email: '[email]' });
    const anon = new Set(tracks.slice(0, 4).map((e) => e.anon_id));
    expect(anon.size).toBe(1);
    expect(anon.has(tracks[4]!.anon_id)).toBe(false);
    expect(tracks[4]!.session_id).not.toBe(tracks[3]!.session_id);
    await page.close();
  });

  it('puts a tracked order_id on the event itself, where the collector looks orders up', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => {
      window.lifeline.track('order_placed', { order_id: 8812, total: 39.8 });
      return window.lifeline.flush();
    });
    expect(eventsOf(server, 'track')[0]).toMatchObject({ order_id: '8812', props: { order_id: 8812, total: 39.8 } });
    await page.close();
  });
});

describe('inline snippet', () => {
  it('queues calls made before the script arrives; the script runs them in order, before the first pageview', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/snippet.html`);
    expect(await page.evaluate(() => (window as unknown as { queuedBeforeLoad: number }).queuedBeforeLoad)).toBe(3);
    await page.waitForFunction(() => typeof window.lifeline.flush === 'function');
    await page.evaluate(() => window.lifeline.flush());
    // Vitals (TTFB, FCP) may be ready by now too; they are not what this is about.
    const events = parsedEvents(server).filter((e) => e.kind !== 'vital');
    expect(events.map((e) => (e.kind === 'track' ? e.name : e.kind))).toEqual(['identify', 'clicked_before_load', 'error', 'pageview']);
    for (const event of events) expect(event.user_id).toBe('cust_early');
    expect(events[1]).toMatchObject({ order_id: 'A-77' });
    expect(events[2]).toMatchObject({ message: 'early problem', mechanism: 'manual' });
    expect(await page.evaluate(() => Array.isArray((window.lifeline as unknown as { q?: unknown }).q))).toBe(false);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
