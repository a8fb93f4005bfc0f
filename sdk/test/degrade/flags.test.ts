import { BrowserEvent } from '@lifeline/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { artifact } from './support/artifacts.js';
import { closedPort } from './support/closedPort.js';
import { readStore } from './support/readStore.js';
import { startStandIn, type StandIn } from './support/startStandIn.js';

let browser: LaunchedBrowser;
let edge: StandIn;

beforeAll(async () => {
  [edge, browser] = await Promise.all([startStandIn(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await edge?.close();
});
beforeEach(async () => {
  edge.setFlags({});
  edge.setStreamUp(true);
  edge.setReachable(true);
  edge.statusDelayMs = 0;
  edge.frozenStatus = undefined;
  edge.statusHits.length = 0;
  edge.streamHits = 0;
});

const degradeEvents = () => edge.events().filter((e) => e.kind === 'degrade');

async function openStore(query = '') {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${edge.origin}/fixtures/store.html${query}`);
  return { page, pageErrors };
}

describe('flags from the edge', () => {
  it('shows a flag flipped by ops on an open page, and restores the page exactly when it is ok again', async () => {
    const { page, pageErrors } = await openStore();
    // The stream is open and the page's first poll answered.
    await edge.waitFor(() => edge.openStreams() > 0 && edge.statusHits.length > 0);
    expect(await readStore(page)).toMatchObject({ state: null, notice: null, fallbackHidden: true, feature: { state: 'ok' } });

    // Pushed, not polled: from here `/v1/status` keeps answering the flags from before the
    // flip, so only the stream can bring the change, and the page must not poll for it.
    edge.frozenStatus = edge.status;
    const polls = edge.statusHits.length;
    const flipped = Date.now();
    edge.setFlags({ checkout: { state: 'degraded', message: 'Payments are slow right now; your cart is safe.' } });
    await page.waitForFunction(() => document.getElementById('checkout')!.dataset.lifelineState === 'degraded', null, { timeout: 5000 });
    const latency = Date.now() - flipped;
    expect(edge.statusHits.length).toBe(polls);
    expect(edge.openStreams()).toBe(1);
    // The figure is printed, not asserted: `npm run bench -w edge` measures it on many pages.
    console.log(`flag flip → degraded checkout visible (pushed on the stream): ${latency} ms`);
    edge.frozenStatus = undefined;

    expect(await readStore(page)).toEqual({
      state: 'degraded',
      pay: { disabled: true, aria: 'true' },
      gift: { disabled: true, aria: 'true' },
      email: true,
      termsAria: 'true',
      fallbackHidden: true,
      notice: 'Payments are slow right now; your cart is safe.',
      feature: { state: 'degraded', message: 'Payments are slow right now; your cart is safe.', reason: 'flag' },
    });
    await page.screenshot({ path: artifact('flag-degraded.png') });

    edge.setFlags({ checkout: { state: 'down', message: 'Checkout is closed for maintenance until 14:00.' } });
    await page.waitForFunction(() => !document.getElementById('fallback')!.hidden);
    expect(await readStore(page)).toMatchObject({ state: 'down', fallbackHidden: false, notice: 'Checkout is closed for maintenance until 14:00.' });
    await page.screenshot({ path: artifact('flag-down.png'), fullPage: true });

    edge.setFlags({ checkout: { state: 'ok' } });
    await page.waitForFunction(() => !document.getElementById('checkout')!.hasAttribute('data-lifeline-state'));
    expect(await readStore(page)).toEqual({
      state: null,
      pay: { disabled: false, aria: null },
      // The page had disabled this one itself: it stays disabled.
      gift: { disabled: true, aria: null },
      email: false,
      termsAria: null,
      fallbackHidden: true,
      notice: null,
      feature: { state: 'ok', reason: 'flag' },
    });
    expect(await page.evaluate(() => window.featureEvents)).toEqual([
      { feature: 'checkout', state: 'degraded', message: 'Payments are slow right now; your cart is safe.', reason: 'flag' },
      { feature: 'checkout', state: 'down', message: 'Checkout is closed for maintenance until 14:00.', reason: 'flag' },
      { feature: 'checkout', state: 'ok', reason: 'flag' },
    ]);

    // Sent as `degrade` events, valid for the protocol.
    await page.evaluate(() => window.lifeline.flush());
    const sent = degradeEvents().map((e) => BrowserEvent.parse(e));
    expect(sent.map((e) => e.kind === 'degrade' && [e.feature, e.state, e.reason, e.message])).toEqual([
      ['checkout', 'degraded', 'flag', 'Payments are slow right now; your cart is safe.'],
      ['checkout', 'down', 'flag', 'Checkout is closed for maintenance until 14:00.'],
      ['checkout', 'ok', 'flag', undefined],
    ]);
    expect(sent.every((e) => e.request_id === undefined)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('applies the last known flags before the first paint, without waiting for the edge', async () => {
    const { page } = await openStore();
    edge.setFlags({ checkout: { state: 'down', message: 'Back soon.' } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down');

    // The edge now takes 2 s to answer: what the page shows first comes from localStorage.
    edge.statusDelayMs = 2000;
    await page.reload();
    expect(await page.evaluate(() => window.atDomReady)).toEqual({ state: 'down', payDisabled: true, fallbackHidden: false });
    await page.waitForFunction(() => window.atFirstFrame !== undefined);
    expect(await page.evaluate(() => window.atFirstFrame)).toBe('down');
    expect((await readStore(page)).notice).toBe('Back soon.');
    await page.close();
  });

  it('keeps the last known flags when the edge is unreachable', async () => {
    const { page } = await openStore();
    edge.setFlags({ checkout: { state: 'degraded', message: 'Slow payments.' } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'degraded');

    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await page.goto(`${edge.origin}/fixtures/store.html?endpoint=${endpoint}`);
    expect(await page.evaluate(() => window.atDomReady?.state)).toBe('degraded');
    // Long enough for the first poll and a stream retry or two to fail.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await readStore(page)).toMatchObject({ state: 'degraded', notice: 'Slow payments.', feature: { state: 'degraded', reason: 'flag' } });
    await page.close();
  });

  it('never degrades a feature because the edge is unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const page = await browser.context.newPage();
    // A fresh origin's storage: nothing known yet.
    await page.goto(`${edge.endpoint}/fixtures/store.html?endpoint=${endpoint}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await readStore(page)).toMatchObject({ state: null, notice: null, pay: { disabled: false }, feature: { state: 'ok' } });
    await page.close();
  });

  it('reverts a flag past its until by itself, even with the edge gone', async () => {
    const { page } = await openStore();
    const until = Date.now() + 3000;
    edge.setFlags({ checkout: { state: 'down', message: 'Five-minute break.', until } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down');
    edge.setReachable(false);
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'ok', null, { timeout: 5000 });
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(await readStore(page)).toMatchObject({ state: null, notice: null, fallbackHidden: true });
    await page.close();
  });

  it('falls back to polling with ETag when the stream cannot be held, and returns to the stream', async () => {
    edge.setStreamUp(false);
    const page = await browser.context.newPage();
    await page.clock.install();
    await page.goto(`${edge.origin}/fixtures/store.html`);
    await edge.waitFor(() => edge.statusHits.length >= 2 && edge.streamHits >= 1);

    edge.setFlags({ checkout: { state: 'degraded', message: 'Polled.' } });
    const polls = edge.statusHits.length;
    await page.clock.runFor(30_000);
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'degraded', null, { timeout: 5000 });
    expect(edge.statusHits.length).toBe(polls + 1);

    // Nothing changed since: the browser revalidates with the ETag and the edge answers 304.
    await page.clock.runFor(30_000);
    await edge.waitFor(() => edge.statusHits.length === polls + 2);
    expect(edge.statusHits.at(-1)).toMatchObject({ ifNoneMatch: `"v${edge.status.version}"`, answered: 304 });
    expect((await readStore(page)).notice).toBe('Polled.');
    // Meanwhile the stream was retried with backoff.
    expect(edge.streamHits).toBeGreaterThan(1);

    // Back: the next retry (at most a few backoff steps away) holds it, and polling stops.
    edge.setStreamUp(true);
    for (let i = 0; i < 30 && !edge.openStreams(); i++) {
      await page.clock.runFor(10_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(edge.openStreams()).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const afterStream = edge.statusHits.length;
    await page.clock.runFor(120_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(edge.statusHits.length).toBe(afterStream);
    await page.close();
  });
});
