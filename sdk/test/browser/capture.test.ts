import { BrowserEvent, SdkBatch } from '@lifeline/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { openPage } from '../support/openPage.js';
import { startServer, type TestServer } from '../support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

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

/** Every posted batch and event, checked against the protocol's schemas. */
function parsedEvents(): BrowserEvent[] {
  return server.bodies().flatMap((body) => SdkBatch.parse(body).events.map((e) => BrowserEvent.parse(e)));
}

describe('capture', () => {
  it('sends track and captureError with the protocol shapes and the fields every event carries', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    const errorId = await page.evaluate(() => {
      window.lifeline.track('add_to_cart', { sku: 'TS-RED-M', qty: 2, price: 19.9, gift: false, note: null, nested: { a: 1 } });
      return window.lifeline.captureError(new TypeError('price missing'), { order_id: '8812' });
    });
    expect(await page.evaluate(() => window.lifeline.flush())).toBe(true);

    const events = parsedEvents();
    const session = await page.evaluate(() => window.lifeline.sessionId());
    for (const event of events) {
      expect(event.event_id).toMatch(UUID);
      expect(event.session_id).toBe(session);
      expect(event.anon_id).toMatch(UUID);
      expect(event).toMatchObject({ url: `${server.origin}/fixtures/tag.html`, release: '1.2.3', environment: 'test' });
      expect(Math.abs(event.ts - Date.now())).toBeLessThan(10_000);
    }
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);

    expect(events.find((e) => e.kind === 'track')).toMatchObject({
      name: 'add_to_cart',
      props: { sku: 'TS-RED-M', qty: 2, price: 19.9, gift: false, note: null, nested: '{"a":1}' },
    });
    const error = events.find((e) => e.kind === 'error');
    expect(error).toMatchObject({
      event_id: errorId,
      message: 'price missing',
      error_type: 'TypeError',
      mechanism: 'manual',
      handled: true,
      props: { order_id: '8812' },
    });
    expect(error?.kind === 'error' && error.stack).toContain('TypeError: price missing');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('reports an uncaught error thrown from a click handler, with its stack', async () => {
    const { page, pageErrors } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.click('#boom');
    const error = await server.waitFor(() => parsedEvents().find((e) => e.kind === 'error'), 5000);
    expect(error).toMatchObject({
      kind: 'error',
      message: 'boom from click',
      error_type: 'Error',
      mechanism: 'onerror',
      handled: false,
    });
    expect(error.kind === 'error' && error.stack).toMatch(/checkout[\s\S]*tag\.html/);
    // The page still sees its own error: the SDK observes, it does not swallow.
    expect(pageErrors).toEqual(['boom from click']);
    await page.close();
  });

  it.each([
    ['#reject-string', 'card declined'],
    ['#reject-object', '{"code":42}'],
  ])('reports an unhandled rejection with a non-Error reason (%s)', async (button, message) => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.click(button);
    const error = await server.waitFor(() => parsedEvents().find((e) => e.kind === 'error'), 5000);
    expect(error).toMatchObject({
      kind: 'error',
      message,
      error_type: 'UnhandledRejection',
      mechanism: 'unhandledrejection',
      handled: false,
    });
    await page.close();
  });

  it('reports an unhandled rejection with an Error reason by its own type and stack', async () => {
    const { page } = await openPage(browser, `${server.origin}/fixtures/tag.html`);
    await page.evaluate(() => {
      setTimeout(() => void Promise.reject(new RangeError('quantity out of range')));
    });
    const error = await server.waitFor(() => parsedEvents().find((e) => e.kind === 'error'), 5000);
    expect(error).toMatchObject({ message: 'quantity out of range', error_type: 'RangeError', mechanism: 'unhandledrejection' });
    expect(error.kind === 'error' && error.stack).toContain('RangeError');
    await page.close();
  });
});
