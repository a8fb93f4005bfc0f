import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineResponse, StoredEvent } from '@lifeline/protocol';
import { launchBrowser } from '../../sdk/test/support/browser';
import { startStack, type Stack } from '../src/stack/stack';

const artifacts = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));

/**
 * The whole real path: Chromium loads the store page, the SDK (script tag) sends to the
 * edge (wrangler dev, workerd), the edge forwards to the collector, the collector writes to
 * embedded ClickHouse (chDB), and the timeline API gives the events back.
 */
describe('script tag → edge → collector → ClickHouse', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let dataDir: string;
  const logFile = join(artifacts, 'services.log');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(logFile, '');
    dataDir = mkdtempSync(join(tmpdir(), 'lifeline-e2e-'));
    stack = await startStack({ dataDir, log: (line) => appendFileSync(logFile, line + '\n') });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function timeline(query: string): Promise<TimelineResponse> {
    const res = await fetch(`${stack.urls.collector}/v1/timeline?${query}`, {
      headers: { Authorization: `Bearer ${stack.tokens.readToken}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as TimelineResponse;
  }

  /** Polls the timeline until `found` picks an event, or fails after `ms`. */
  async function waitFor(query: string, found: (e: StoredEvent) => boolean, ms = 30_000): Promise<StoredEvent[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const { events } = await timeline(query);
      if (events.some(found)) return events;
      if (Date.now() > deadline) throw new Error(`nothing matched in ${query}: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('an error thrown on a store page shows up in the session timeline with its URL and stack', async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const productUrl = stack.urls.store + '/product/tee-midnight';
    await page.goto(productUrl);
    await page.waitForFunction(() => typeof (window as any).lifeline?.sessionId?.() === 'string');
    const sessionId = (await page.evaluate(() => (window as any).lifeline.sessionId())) as string;
    expect(sessionId).toMatch(/\S{8,}/);

    await page.click('#add-to-cart');
    await page.waitForFunction(() => document.querySelector('#note')?.textContent === 'Added to your cart.');
    await page.click('#size-guide');
    await page.screenshot({ path: join(artifacts, 'store-after-error.png') });
    // The thrown error is the page's own, deliberately uncaught; the SDK must add none.
    expect(pageErrors).toHaveLength(1);
    expect(pageErrors[0]).toContain("reading 'rows'");

    const events = await waitFor(`session_id=${encodeURIComponent(sessionId)}`, (e) => e.kind === 'error');
    const error = events.find((e) => e.kind === 'error')!;
    expect(error).toMatchObject({
      kind: 'error',
      session_id: sessionId,
      project: stack.tokens.project,
      url: productUrl,
      message: expect.stringContaining("reading 'rows'"),
      stack: expect.stringContaining('openSizeGuide'),
    });
    expect(error.received_at).toBeGreaterThan(0);
    expect(error.user_agent).toContain('Chrome');

    // The session's other events travelled the same path, in time order, once each.
    const final = await waitFor(`session_id=${encodeURIComponent(sessionId)}`, (e) => e.kind === 'track' && e.name === 'add_to_cart');
    const kinds = final.map((e) => e.kind);
    expect(kinds).toContain('pageview');
    expect(final.find((e) => e.kind === 'track' && e.name === 'add_to_cart')).toMatchObject({
      props: { product_id: 'tee-midnight', qty: 1, price: 24 },
    });
    const ts = final.map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(final.map((e) => e.event_id)).size).toBe(final.length);
    await page.close();
  });
});
