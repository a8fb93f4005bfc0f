import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './support/harness';

/**
 * The whole real path: Chromium loads a store page, the SDK (script tag) sends to the
 * edge (wrangler dev, workerd), the edge forwards to the collector, the collector writes to
 * embedded ClickHouse (chDB), and the timeline API gives the events back.
 */
describe('script tag → edge → collector → ClickHouse', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('e2e');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an error thrown on a store page shows up in the session timeline with its URL and stack', async () => {
    const { page, pageErrors } = await h.page();
    const productUrl = h.stack.urls.store + '/product/tee-midnight';
    await page.goto(productUrl);
    await page.waitForFunction(() => typeof (window as any).lifeline?.sessionId?.() === 'string');
    const sessionId = (await page.evaluate(() => (window as any).lifeline.sessionId())) as string;
    expect(sessionId).toMatch(/\S{8,}/);

    await page.click('#add-to-cart');
    await page.waitForFunction(() => document.querySelector('#note')?.textContent === 'Added to your cart.');
    await page.click('#size-guide');
    await page.screenshot({ path: join(h.artifacts, 'store-after-error.png') });
    // The thrown error is the page's own, deliberately uncaught; the SDK must add none.
    expect(pageErrors).toHaveLength(1);
    expect(pageErrors[0]).toContain("reading 'rows'");

    const query = `/v1/timeline?session_id=${encodeURIComponent(sessionId)}`;
    const events = await h.waitForTimeline(query, (es) => es.some((e) => e.kind === 'error') && es.some((e) => e.kind === 'track' && e.name === 'add_to_cart'));
    const error = events.find((e) => e.kind === 'error')!;
    expect(error).toMatchObject({
      kind: 'error',
      session_id: sessionId,
      project: h.stack.tokens.project,
      url: productUrl,
      message: expect.stringContaining("reading 'rows'"),
      stack: expect.stringContaining('openSizeGuide'),
    });
    expect(error.received_at).toBeGreaterThan(0);
    expect(error.user_agent).toContain('Chrome');

    // The session's other events travelled the same path, in time order, once each.
    expect(events.map((e) => e.kind)).toContain('pageview');
    expect(events.find((e) => e.kind === 'track' && e.name === 'add_to_cart')).toMatchObject({
      props: { product_id: 'tee-midnight', qty: 1, price: 24 },
    });
    const ts = events.map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    await page.close();
  });
});
