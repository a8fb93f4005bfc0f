import { BrowserEvent, PROTOCOL_VERSION, SdkBatch } from '@lifeline/protocol';
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

describe('script tag', () => {
  it('starts from its data attributes and sends a pageview', async () => {
    // A cookie for the endpoint's origin: it must not be sent (credentials: 'omit').
    await browser.context.addCookies([{ name: 'sid', value: 'secret', url: server.endpoint }]);
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const referrer = `${server.origin}/fixtures/next.html`;
    await page.goto(`${server.origin}/fixtures/tag.html`, { referer: referrer });

    const pageview = await server.waitFor(() => server.events().find((e) => e.kind === 'pageview'), 9000);
    expect(BrowserEvent.parse(pageview)).toMatchObject({
      kind: 'pageview',
      url: `${server.origin}/fixtures/tag.html`,
      referrer,
      title: 'Lifeline fixture',
      release: '1.2.3',
      environment: 'test',
      session_id: await page.evaluate(() => window.lifeline.sessionId()),
    });

    const batch = SdkBatch.parse(server.bodies()[0]);
    expect(batch).toMatchObject({ v: PROTOCOL_VERSION, key: 'pk_test', sdk: { name: '@lifeline/sdk' } });
    expect(Math.abs(batch.sent_at! - Date.now())).toBeLessThan(10_000);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('posts cross-origin as a simple request: text/plain, no preflight, no cookies', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => window.lifeline.track('simple_request'));
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);

    expect(server.requests.length).toBeGreaterThan(0);
    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('text/plain');
      expect(request.headers.origin).toBe(server.origin);
      expect(request.headers.cookie).toBeUndefined();
    }
    await page.close();
  });

  it('finds its tag when document.currentScript is null (evaluated from a callback)', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/late.html`);
    await page.waitForFunction(() => window.lifeline !== undefined);
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);
    // A page closed by an earlier test may still be delivering its last events: find this page's.
    const batch = SdkBatch.parse(await server.waitFor(() => server.bodies().find((b) => b.key === 'pk_late')));
    expect(batch.key).toBe('pk_late');
    expect(BrowserEvent.parse(batch.events[0])).toMatchObject({ kind: 'pageview', title: 'Loaded by a tag manager' });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('does not start without data-key, and exposes the API for a manual init', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/bare.html`);
    expect(await page.evaluate(() => Object.keys(window.lifeline).sort())).toEqual([
      'captureError',
      'consent',
      'feature',
      'flush',
      'identify',
      'init',
      'lastRequestId',
      'reset',
      'sessionId',
      'track',
    ]);
    expect(await page.evaluate(() => window.lifeline.sessionId())).toBeUndefined();
    await page.evaluate((endpoint) => window.lifeline.init({ key: 'pk_manual', endpoint }), server.endpoint);
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);
    expect(SdkBatch.parse(await server.waitFor(() => server.bodies().find((b) => b.key === 'pk_manual'))).key).toBe('pk_manual');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('ignores a second copy of the tag: one pageview, one set of listeners', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.addScriptTag({ url: '/dist/lifeline.js?copy' });
    await page.evaluate(() => window.lifeline.flush());
    expect(server.events().filter((e) => e.kind === 'pageview')).toHaveLength(1);
    await page.close();
  });
});
