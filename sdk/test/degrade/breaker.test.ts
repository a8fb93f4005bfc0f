import { BrowserEvent } from '@lifeline/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { artifact } from './support/artifacts.js';
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
beforeEach(() => {
  edge.setFlags({});
  edge.backendStatus = 200;
  edge.backendHits.length = 0;
});

const DOWN_TEXT = 'Some features are unavailable right now. Please try again later.';
/** fixtures/store.html configures a 1.5 s cool-down. */
const COOLDOWN_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const requestId = (i: number) => edge.backendHits[i]!.headers['x-request-id'];

async function openStore() {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${edge.origin}/fixtures/store.html`);
  await edge.waitFor(() => edge.openStreams() > 0);
  return { page, pageErrors };
}

/** Makes the backend fail until the breaker has opened (three failed calls). */
async function breakCheckout(page: Awaited<ReturnType<typeof openStore>>['page']) {
  edge.backendStatus = 503;
  for (let i = 0; i < 3; i++) expect(await page.evaluate(() => window.order())).toEqual({ status: 503, breaker: null });
  await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down');
}

describe('circuit breakers on the page’s own calls', () => {
  it('opens after three failures, answers further calls itself, probes once after the cool-down and recovers', async () => {
    const { page, pageErrors } = await openStore();
    await breakCheckout(page);
    expect(edge.backendHits).toHaveLength(3);
    expect(await readStore(page)).toMatchObject({
      state: 'down',
      pay: { disabled: true, aria: 'true' },
      fallbackHidden: false,
      notice: DOWN_TEXT,
      feature: { state: 'down', reason: 'breaker' },
    });
    await page.screenshot({ path: artifact('breaker-open.png'), fullPage: true });

    // Open: both of checkout's routes fail fast, and the backend sees nothing.
    expect(await page.evaluate(() => window.order())).toEqual({ status: 503, breaker: 'open' });
    expect(await page.evaluate(() => window.order('/api/pay'))).toEqual({ status: 503, breaker: 'open' });
    expect(edge.backendHits).toHaveLength(3);

    edge.backendStatus = 200;
    await sleep(COOLDOWN_MS + 100);
    expect(await page.evaluate(() => window.order())).toEqual({ status: 200, breaker: null });
    expect(edge.backendHits).toHaveLength(4);
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'ok');
    expect(await readStore(page)).toMatchObject({ state: null, pay: { disabled: false, aria: null }, fallbackHidden: true, notice: null });
    expect(await page.evaluate(() => window.order())).toEqual({ status: 200, breaker: null });

    await page.evaluate(() => window.lifeline.flush());
    const sent = edge
      .events()
      .filter((e) => e.kind === 'degrade')
      .map((e) => BrowserEvent.parse(e));
    expect(sent).toMatchObject([
      // The call that opened the breaker, and the probe that closed it.
      { kind: 'degrade', feature: 'checkout', state: 'down', reason: 'breaker', request_id: requestId(2) },
      { kind: 'degrade', feature: 'checkout', state: 'ok', reason: 'breaker', request_id: requestId(3) },
    ]);
    expect(requestId(2)).toEqual(expect.any(String));
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('lets exactly one probe through, and stays open for another cool-down when it fails', async () => {
    const { page } = await openStore();
    await breakCheckout(page);
    await sleep(COOLDOWN_MS + 100);
    const [probe, second] = await page.evaluate(() => Promise.all([window.order(), window.order()]));
    expect(probe).toEqual({ status: 503, breaker: null });
    expect(second).toEqual({ status: 503, breaker: 'open' });
    expect(edge.backendHits).toHaveLength(4);
    expect((await readStore(page)).feature).toEqual({ state: 'down', reason: 'breaker' });

    edge.backendStatus = 200;
    expect(await page.evaluate(() => window.order())).toEqual({ status: 503, breaker: 'open' });
    await sleep(COOLDOWN_MS + 100);
    expect(await page.evaluate(() => window.order())).toEqual({ status: 200, breaker: null });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'ok');
    expect(edge.backendHits).toHaveLength(5);
    await page.close();
  });

  it('shows the worse of flag and breaker, and falls back to the flag when the breaker closes', async () => {
    const { page } = await openStore();
    edge.setFlags({ checkout: { state: 'degraded', message: 'Card payments are slow.' } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'degraded');
    await breakCheckout(page);
    expect((await readStore(page)).notice).toBe(DOWN_TEXT);

    edge.backendStatus = 200;
    await sleep(COOLDOWN_MS + 100);
    await page.evaluate(() => window.order());
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'degraded');
    expect(await readStore(page)).toMatchObject({
      state: 'degraded',
      pay: { disabled: true },
      fallbackHidden: true,
      notice: 'Card payments are slow.',
      feature: { state: 'degraded', reason: 'flag', message: 'Card payments are slow.' },
    });
    expect((await page.evaluate(() => window.featureEvents)).map((e) => `${e.state}/${e.reason}`)).toEqual([
      'degraded/flag',
      'down/breaker',
      'degraded/flag',
    ]);
    await page.close();
  });

  it('counts failed XMLHttpRequests too, which go out even while it is open', async () => {
    const { page } = await openStore();
    edge.backendStatus = 503;
    const statuses = await page.evaluate(async () => {
      const send = () =>
        new Promise<number>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', '/api/orders');
          xhr.onloadend = () => resolve(xhr.status);
          xhr.send('{}');
        });
      const out: number[] = [];
      for (let i = 0; i < 4; i++) out.push(await send());
      return out;
    });
    expect(statuses).toEqual([503, 503, 503, 503]);
    expect(edge.backendHits).toHaveLength(4);
    expect((await readStore(page)).feature).toEqual({ state: 'down', reason: 'breaker' });
    await page.close();
  });

  it('leaves calls outside the feature’s routes alone', async () => {
    const { page } = await openStore();
    edge.backendStatus = 503;
    for (let i = 0; i < 5; i++) expect(await page.evaluate(() => window.order('/api/catalog'))).toEqual({ status: 503, breaker: null });
    await sleep(100);
    expect((await readStore(page)).feature.state).toBe('ok');
    expect(edge.backendHits).toHaveLength(5);
    await page.close();
  });
});
