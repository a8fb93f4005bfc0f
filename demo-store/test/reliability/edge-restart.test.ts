import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusResponse } from '@lifeline/protocol';
import { addToCart, openHarness, type Harness } from '../support/harness';
import { eventually, report } from './support';

/**
 * The edge restarts around a flag change: `checkout` is flipped to `down`, the edge stops
 * (open pages lose their status stream), a page is opened while it is away, the edge comes
 * back with the flag in its Durable Object's persisted storage, and ops flip the flag again
 * the moment it answers. No page may show a state the flag does not have: the flag stays
 * `down` on every page through the restart, and every page ends on the new state.
 */
describe('reliability: a flag flipped around an edge restart', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('reliability-edge-restart');
  });
  afterAll(async () => {
    await h?.close();
  });

  const flip = async (method: 'PUT' | 'DELETE', body?: unknown) => {
    const res = await fetch(`${h.stack.urls.edge}/v1/flags/checkout`, {
      method,
      headers: { Authorization: `Bearer ${h.stack.tokens.opsToken}` },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status).toBe(200);
  };
  const edgeStatus = async () => StatusResponse.parse(await (await fetch(`${h.stack.urls.edge}/v1/status?key=${h.stack.tokens.publicKey}`)).json());
  const stateOf = (page: Page) => page.evaluate(() => (window as any).lifeline.feature('checkout').state as string);
  const openCheckout = async () => {
    const { page, pageErrors } = await h.page();
    await page.goto(`${h.stack.urls.store}/checkout`);
    await page.waitForFunction(() => typeof (window as any).lifeline?.feature === 'function');
    return { page, pageErrors };
  };
  /** Records the page's checkout state every 100 ms, in the page itself, so the restart cannot interrupt it. */
  const sample = (page: Page) =>
    page.evaluate(() => {
      const w = window as any;
      w.__states = [] as string[];
      w.__sampler = setInterval(() => w.__states.push(w.lifeline.feature('checkout').state), 100);
    });
  const samples = (page: Page) => page.evaluate(() => ((window as any).__states as string[]).splice(0));

  it('pages keep the persisted flag through the restart and all end on the flip made right after it', async () => {
    const first = await h.page();
    await addToCart(first.page, h.stack.urls.store);
    await first.page.close();
    const a = await openCheckout();
    await flip('PUT', { state: 'down', message: 'Checkout is paused' });
    expect(await eventually(async () => (await stateOf(a.page)) === 'down', 15_000)).toBe(true);
    await sample(a.page);

    await h.stack.stopService('edge');
    const stoppedAt = Date.now();
    // A page opened while the edge is away starts from the flags its browser last saw.
    const b = await openCheckout();
    expect(await eventually(async () => (await stateOf(b.page)) === 'down', 10_000)).toBe(true);
    await sample(b.page);
    // Away long enough for the open page's stream to fail and back off several times.
    await new Promise((r) => setTimeout(r, Math.max(0, 12_000 - (Date.now() - stoppedAt))));
    const startedAt = Date.now();
    await h.stack.startService('edge');
    const backAt = Date.now();

    // The edge came back with the flag it had: the Durable Object's storage persisted.
    const persisted = await edgeStatus();
    expect(persisted.flags.checkout).toMatchObject({ state: 'down', message: 'Checkout is paused' });
    const during = [...(await samples(a.page)), ...(await samples(b.page))];

    await flip('PUT', { state: 'degraded', message: 'Checkout is slow' });
    const flippedAt = Date.now();
    const reached: Record<string, number> = {};
    for (const [name, page] of [['open', a.page], ['opened_during_restart', b.page]] as const) {
      expect(await eventually(async () => (await stateOf(page)) === 'degraded', 60_000)).toBe(true);
      reached[name] = Date.now() - flippedAt;
    }
    const after = [...(await samples(a.page)), ...(await samples(b.page))];

    // Then the flag is cleared, with both pages listening again: both follow at once.
    await flip('DELETE');
    const clearedAt = Date.now();
    for (const page of [a.page, b.page]) expect(await eventually(async () => (await stateOf(page)) === 'ok', 15_000)).toBe(true);
    const clearMs = Date.now() - clearedAt;
    expect((await edgeStatus()).flags.checkout).toEqual({ state: 'ok' });

    const result = {
      edge_away_ms: backAt - stoppedAt,
      edge_start_ms: backAt - startedAt,
      pages: 2,
      states_sampled_during_restart: during.length,
      wrong_states_during_restart: during.filter((s) => s !== 'down').length,
      open_page_reached_flip_ms: reached.open!,
      page_opened_during_restart_reached_flip_ms: reached.opened_during_restart!,
      wrong_states_after_flip: after.filter((s) => s !== 'down' && s !== 'degraded').length,
      both_pages_cleared_ms: clearMs,
    };
    report('edge-restart', result);
    expect(result.wrong_states_during_restart).toBe(0);
    expect(result.wrong_states_after_flip).toBe(0);
    expect([...a.pageErrors, ...b.pageErrors]).toEqual([]);
  }, 240_000);
});
