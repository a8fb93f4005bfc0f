import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.js';
import { artifact } from './support/artifacts.js';
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
beforeEach(() => void edge.setFlags({}));

async function openSpa() {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${edge.origin}/fixtures/spa.html`);
  await edge.waitFor(() => edge.openStreams() > 0);
  return { page, pageErrors };
}

const noticeOf = (page: Awaited<ReturnType<typeof openSpa>>['page']) =>
  page.evaluate(() => {
    const box = document.querySelector<HTMLElement>('.lifeline-notice');
    if (!box) return null;
    const style = getComputedStyle(box);
    return {
      hidden: box.hidden,
      role: box.getAttribute('role'),
      live: box.getAttribute('aria-live'),
      text: box.querySelector('span')!.textContent,
      button: box.querySelector('button')!.textContent,
      position: style.position,
      background: style.backgroundColor,
    };
  });

describe('the notice', () => {
  it('is a polite live region over the page, styled by custom properties, and moves nothing', async () => {
    const { page, pageErrors } = await openSpa();
    const before = await page.evaluate(() => document.getElementById('footer')!.getBoundingClientRect().top);
    edge.setFlags({ checkout: { state: 'down' } });
    await page.waitForFunction(() => document.querySelector('.lifeline-notice:not([hidden])'));
    // Both texts come from the page's `texts` option; the colour from its --lifeline-bg.
    expect(await noticeOf(page)).toEqual({
      hidden: false,
      role: 'status',
      live: 'polite',
      text: 'Le paiement est indisponible.',
      button: 'Fermer',
      position: 'fixed',
      background: 'rgb(0, 64, 128)',
    });
    // Let a frame render, then look for layout shifts over the whole visit.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
    expect(await page.evaluate(() => window.shifts)).toEqual([]);
    expect(await page.evaluate(() => document.getElementById('footer')!.getBoundingClientRect().top)).toBe(before);
    await page.screenshot({ path: artifact('notice.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('is dismissed with the keyboard, and comes back when the message changes', async () => {
    const { page } = await openSpa();
    edge.setFlags({ checkout: { state: 'degraded', message: 'Slow payments.' } });
    await page.waitForFunction(() => document.querySelector('.lifeline-notice:not([hidden])'));
    // Tab from the top of the page until the dismiss button has focus.
    let tabs = 0;
    while (!(await page.evaluate(() => document.activeElement?.closest('.lifeline-notice') !== null)) && tabs < 10) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Fermer');
    await page.keyboard.press('Enter');
    expect((await noticeOf(page))?.hidden).toBe(true);

    edge.setFlags({ checkout: { state: 'degraded', message: 'Still slow, sorry.' } });
    await page.waitForFunction(() => document.querySelector('.lifeline-notice:not([hidden])'));
    expect((await noticeOf(page))?.text).toBe('Still slow, sorry.');
    await page.close();
  });

  it('lists each distinct message once when several features are degraded', async () => {
    const { page } = await openSpa();
    edge.setFlags({
      checkout: { state: 'down', message: 'No orders until 3 pm.' },
      payments: { state: 'down', message: 'No orders until 3 pm.' },
      search: { state: 'degraded' },
    });
    await page.waitForFunction(() => window.lifeline.feature('search').state === 'degraded');
    expect((await noticeOf(page))?.text).toBe('No orders until 3 pm. Some features may not work right now.');
    await page.close();
  });
});

describe('markup added later', () => {
  it('marks, disables and shows what a client-side router adds while a feature is down', async () => {
    const { page } = await openSpa();
    edge.setFlags({ checkout: { state: 'down' } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'down');
    await page.evaluate(() => window.showCheckout());
    await page.waitForFunction(() => document.getElementById('late')!.dataset.lifelineState === 'down');
    expect(
      await page.evaluate(() => ({
        payDisabled: (document.getElementById('late-pay') as HTMLButtonElement).disabled,
        fallbackHidden: document.getElementById('late-fallback')!.hidden,
      })),
    ).toEqual({ payDisabled: true, fallbackHidden: false });

    edge.setFlags({});
    await page.waitForFunction(() => !document.getElementById('late')!.hasAttribute('data-lifeline-state'));
    expect(await page.evaluate(() => (document.getElementById('late-pay') as HTMLButtonElement).disabled)).toBe(false);
    await page.close();
  });
});

describe('links inside a degraded feature', () => {
  it('do not navigate while held, and do again once the feature is ok', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${edge.origin}/fixtures/store.html`);
    await edge.waitFor(() => edge.openStreams() > 0);
    edge.setFlags({ checkout: { state: 'degraded' } });
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'degraded');
    await page.click('#terms', { force: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(page.url()).toBe(`${edge.origin}/fixtures/store.html`);

    edge.setFlags({});
    await page.waitForFunction(() => window.lifeline.feature('checkout').state === 'ok');
    await Promise.all([page.waitForURL(/left=1/), page.click('#terms')]);
    await page.close();
  });
});
