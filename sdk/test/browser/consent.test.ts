import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { parsedEvents } from '../support/parsedEvents.js';
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

/** The SDK's localStorage keys on the fixtures' origin. */
const sdkKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('lifeline:')).sort();

describe('consent', () => {
  it('with data-consent="pending" sends and stores nothing until consent(true), then sends what happened before', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html?attrs=${encodeURIComponent('data-consent="pending"')}`);
    await page.evaluate(() => localStorage.clear());
    await page.evaluate(() => {
      window.lifeline.track('before_consent');
      return window.lifeline.flush();
    });
    expect(server.requests).toEqual([]);
    expect(await page.evaluate(sdkKeys)).toEqual([]);
    expect(await page.evaluate(() => window.lifeline.sessionId())).toBeUndefined();
    await page.evaluate(() => {
      window.lifeline.consent(true);
      return window.lifeline.flush();
    });
    const kinds = parsedEvents(server)
      .filter((e) => e.kind !== 'vital')
      .map((e) => (e.kind === 'track' ? e.name : e.kind));
    expect(kinds).toEqual(['pageview', 'before_consent']);
    expect(await page.evaluate(sdkKeys)).toEqual(['lifeline:anon', 'lifeline:session']);
    await page.close();
  });

  it('consent(false) stops capture, deletes stored data, and is remembered on the next page until consent(true)', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => {
      window.lifeline.identify('cust_9');
      window.lifeline.track('consented');
      localStorage.setItem('lifeline:queue', '[]');
      localStorage.setItem('store:cart', 'kept');
      return window.lifeline.flush();
    });
    const sentBefore = server.requests.length;
    await page.evaluate(() => {
      window.lifeline.consent(false);
      window.lifeline.track('refused');
      window.lifeline.captureError(new Error('refused'));
      return window.lifeline.flush();
    });
    expect(await page.evaluate(sdkKeys)).toEqual(['lifeline:optout']);
    expect(await page.evaluate(() => localStorage.getItem('store:cart'))).toBe('kept');
    await page.reload();
    await page.evaluate(() => {
      window.lifeline.track('next_page');
      return window.lifeline.flush();
    });
    expect(server.requests).toHaveLength(sentBefore);
    await page.evaluate(() => {
      window.lifeline.consent(true);
      window.lifeline.track('granted_again');
      return window.lifeline.flush();
    });
    const names = parsedEvents(server).flatMap((e) => (e.kind === 'track' ? [[e.name, e.user_id]] : []));
    expect(names).toEqual([
      ['identify', 'cust_9'],
      ['consented', 'cust_9'],
      ['granted_again', undefined],
    ]);
    await page.close();
  });
});
