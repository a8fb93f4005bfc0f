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

const tagPage = (attrs = '') => `${server.origin}/fixtures/tag.html${attrs && `?attrs=${encodeURIComponent(attrs)}`}`;

describe('errors', () => {
  it('records failed loads of images, scripts and stylesheets, with the query scrubbed', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/resources.html`);
    const errors = await server.waitFor(() => {
      const found = eventsOf(server, 'error');
      return found.length >= 3 && found;
    });
    expect(errors.map((e) => [e.mechanism, e.error_type, e.handled]).sort()).toEqual([
      ['resource', 'ResourceError', false],
      ['resource', 'ResourceError', false],
      ['resource', 'ResourceError', false],
    ]);
    expect(errors.map((e) => e.message).sort()).toEqual([
      `Failed to load img ${server.origin}/fixtures/missing.png?token=[Filtered]`,
      `Failed to load link ${server.origin}/fixtures/missing.css`,
      `Failed to load script ${server.origin}/fixtures/missing.js`,
    ]);
    await page.close();
  });

  it('parses frames and fingerprints uncaught errors; one error in a loop is sent five times, the rest counted', async () => {
    const { page, pageErrors } = await openPage(browser, tagPage());
    await page.evaluate(() => {
      for (let i = 0; i < 200; i++) setTimeout(() => (window as unknown as { checkout(): void }).checkout());
    });
    await page.waitForFunction(() => true);
    await server.waitFor(() => eventsOf(server, 'error').length >= 5);
    await page.evaluate(() => window.lifeline.flush());
    await page.evaluate(() => window.lifeline.flush());
    const errors = eventsOf(server, 'error');
    expect(errors).toHaveLength(5);
    expect(new Set(errors.map((e) => e.fingerprint)).size).toBe(1);
    expect(errors[0]!.frames![0]).toMatchObject({ fn: 'checkout', file: `${server.origin}/fixtures/tag.html`, line: expect.any(Number) });
    const dropped = eventsOf(server, 'track').filter((e) => e.name === 'lifeline_dropped');
    expect(dropped.reduce((n, e) => n + Number(e.props?.error_burst ?? 0), 0)).toBe(195);
    expect(pageErrors).toHaveLength(200);
    await page.close();
  });

  it('records console.error with captureConsole, and passes the call on', async () => {
    const { page } = await openPage(browser, tagPage('data-capture-console'));
    const logged: string[] = [];
    page.on('console', (m) => m.type() === 'error' && logged.push(m.text()));
    await page.evaluate(() => {
      console.error('payment widget failed:', { code: 'E42' }, new TypeError('bad amount'));
      console.error('plain text');
      window.lifeline.flush();
    });
    const errors = await server.waitFor(() => eventsOf(server, 'error').length >= 2 && eventsOf(server, 'error'));
    expect(errors[0]).toMatchObject({ mechanism: 'console', handled: true, error_type: 'TypeError', message: 'payment widget failed: {"code":"E42"} bad amount' });
    expect(errors[0]!.stack).toContain('bad amount');
    expect(errors[1]).toMatchObject({ mechanism: 'console', message: 'plain text' });
    expect(logged.filter((text) => /^(payment widget|plain text)/.test(text))).toHaveLength(2);
    await page.close();
  });

  it('leaves console.error alone without captureConsole', async () => {
    const { page } = await openPage(browser, tagPage());
    await page.evaluate(() => {
      console.error('not recorded');
      return window.lifeline.flush();
    });
    expect(eventsOf(server, 'error')).toEqual([]);
    await page.close();
  });

  it('sends the breadcrumbs before an error: clicks, navigations, tracked events and network calls', async () => {
    const { page } = await openPage(browser, tagPage());
    await page.click('#count');
    await page.evaluate(async () => {
      history.pushState({}, '', '/fixtures/tag.html?step=cart');
      window.lifeline.track('cart_viewed');
      await fetch('/api/cart?status=500');
    });
    await page.click('#boom');
    const error = await server.waitFor(() => eventsOf(server, 'error')[0]);
    const crumbs = JSON.parse(String(error.props?.breadcrumbs)) as [number, string, string][];
    expect(crumbs.map(([, type, text]) => [type, text])).toEqual([
      ['nav', `${server.origin}/fixtures/tag.html`],
      ['click', 'button#count'],
      ['nav', `${server.origin}/fixtures/tag.html?step=cart`],
      ['track', 'cart_viewed'],
      ['fetch', `GET ${server.origin}/api/cart?status=500 500`],
      ['click', 'button#boom'],
    ]);
    expect(crumbs.map(([age]) => age).every((age, i, all) => age <= 0 && (i === 0 || age >= all[i - 1]!))).toBe(true);
    await page.close();
  });
});
