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
  edge.releaseHeld(200);
});

const DOWN_TEXT = 'Some features are unavailable right now. Please try again later.';
/** fixtures/store.html configures a 1.5 s cool-down and a 1 s timeout. */
const COOLDOWN_MS = 1500;
const TIMEOUT_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const requestId = (i: number) => edge.backendHits[i]!.headers['x-request-id'];
/** The `degrade` events of changes made at `since` or later: earlier tests' pages may still be sending theirs. */
const degradeSince = (since: number) => edge.events().filter((e) => e.kind === 'degrade' && (e.ts as number) >= since);

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

/** What the store shows once checkout's breaker has opened. */
const DOWN_BY_BREAKER = {
  state: 'down',
  pay: { disabled: true, aria: 'true' },
  fallbackHidden: false,
  notice: DOWN_TEXT,
  feature: { state: 'down', reason: 'breaker' },
};

describe('circuit breakers on the page’s own calls', () => {
  it('opens after three failures, answers further calls itself, probes once after the cool-down and recovers', async () => {
    const { page, pageErrors } = await openStore();
    await breakCheckout(page);
    expect(edge.backendHits).toHaveLength(3);
    expect(await readStore(page)).toMatchObject(DOWN_BY_BREAKER);
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

describe('timeouts of the page’s own calls', () => {
  /** Starts `order(path)` calls in the page without waiting for them; `window.settled` lists how they ended. */
  const startOrders = (page: Awaited<ReturnType<typeof openStore>>['page'], paths: string[]) =>
    page.evaluate((list) => {
      window.settled = [];
      window.inFlight = Promise.all(list.map((p) => window.order(p).then((r) => (window.settled.push(r), r))));
    }, paths);

  it('opens the breaker on calls left hanging, shows the fallback, and leaves the calls to the page', async () => {
    const started = Date.now();
    const { page, pageErrors } = await openStore();
    await startOrders(page, ['/api/orders?hang', '/api/orders?hang', '/api/pay?hang']);
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down', null, { timeout: TIMEOUT_MS + 5000 });
    expect(await readStore(page)).toMatchObject(DOWN_BY_BREAKER);
    await page.screenshot({ path: artifact('breaker-timeouts.png'), fullPage: true });
    // Not aborted: the backend still holds all three, and the page is still waiting for them.
    expect(edge.heldCalls()).toBe(3);
    expect(await page.evaluate(() => window.settled)).toEqual([]);

    // They end as the backend decides, after the cool-down: the page gets its answers, and
    // calls that timed out do not close the breaker as a probe's success would.
    await sleep(COOLDOWN_MS + 100);
    edge.releaseHeld(200);
    expect(await page.evaluate(() => window.inFlight)).toEqual([
      { status: 200, breaker: null },
      { status: 200, breaker: null },
      { status: 200, breaker: null },
    ]);
    await sleep(100);
    expect((await readStore(page)).feature).toEqual({ state: 'down', reason: 'breaker' });
    expect(await page.evaluate(() => window.order())).toEqual({ status: 200, breaker: null });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'ok');

    await page.evaluate(() => window.lifeline.flush());
    expect(degradeSince(started).map((e) => `${e.state}/${e.reason}`)).toEqual(['down/breaker', 'ok/breaker']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('counts a call that timed out once, however it ends', async () => {
    const { page } = await openStore();
    // Two hanging calls: two failures at their timeout, one short of opening.
    await startOrders(page, ['/api/orders?hang', '/api/pay?hang']);
    await sleep(TIMEOUT_MS + 1000);
    expect((await readStore(page)).feature.state).toBe('ok');

    // They end in 503s: counted already, so not counted again (that would open it).
    edge.releaseHeld(503);
    expect(await page.evaluate(() => window.inFlight)).toEqual([
      { status: 503, breaker: null },
      { status: 503, breaker: null },
    ]);
    await sleep(100);
    expect((await readStore(page)).feature.state).toBe('ok');

    // But they were counted: one more failure is the third.
    edge.backendStatus = 503;
    expect(await page.evaluate(() => window.order())).toEqual({ status: 503, breaker: null });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down');
    await page.close();
  });

  it('does not count calls that are slow but answered within the timeout', async () => {
    const started = Date.now();
    const { page } = await openStore();
    // Started together (the hook tells calls apart by their start), answered at different times.
    await startOrders(page, ['/api/orders?delay=100', '/api/orders?delay=300', '/api/pay?delay=400', '/api/pay?delay=200']);
    expect((await page.evaluate(() => window.inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // Past the time their timeouts would have fired had they not been cleared.
    await sleep(TIMEOUT_MS + 1000);
    expect((await readStore(page)).feature).toEqual({ state: 'ok' });
    await page.evaluate(() => window.lifeline.flush());
    expect(degradeSince(started)).toEqual([]);
    await page.close();
  });

  it('times XMLHttpRequests too: left hanging, they open the breaker at the timeout and still go on', async () => {
    const { page } = await openStore();
    await page.evaluate(() => {
      window.settled = [];
      for (let i = 0; i < 3; i++) {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', '/api/orders?hang');
        xhr.onloadend = () => window.settled.push({ status: xhr.status });
        xhr.send('{}');
      }
    });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down', null, { timeout: TIMEOUT_MS + 5000 });
    // Opened while all three were still waiting: counted at their timeout, not their end.
    expect(edge.heldCalls()).toBe(3);
    expect(await page.evaluate(() => window.settled)).toEqual([]);
    expect((await readStore(page)).feature).toEqual({ state: 'down', reason: 'breaker' });
    edge.releaseHeld(200);
    await page.waitForFunction(() => window.settled.length === 3);
    expect(await page.evaluate(() => window.settled)).toEqual([{ status: 200 }, { status: 200 }, { status: 200 }]);
    await page.close();
  });
});
