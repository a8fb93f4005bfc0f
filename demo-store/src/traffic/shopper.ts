import type { BrowserContext, Page } from 'playwright-core';
import { PRODUCTS } from '../shop/catalog';
import type { Random } from './random';

/** How far one simulated shopper got. */
export type ShopperOutcome = 'bounced' | 'viewed' | 'carted' | 'checkout' | 'paid' | 'declined' | 'failed' | 'degraded';

export interface ShopperOptions {
  storeUrl: string;
  rnd: Random;
  /** Chance of going on at each step: product, add to cart, checkout, pay. */
  rates?: [number, number, number, number];
  /** Pause between steps, in ms. @default [150, 600] */
  think?: [number, number];
}

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Kay', 'Perlman'];

/**
 * One shopper in a real browser page, using the store exactly as a person would: the
 * SDK on the page records everything (pageviews, funnel events, request IDs, breakers).
 * Drop-off at each step follows `rates`; 5% of payers use a card the gateway declines.
 */
export async function walkShopper(context: BrowserContext, o: ShopperOptions): Promise<ShopperOutcome> {
  const [pProduct, pCart, pCheckout, pPay] = o.rates ?? [0.8, 0.35, 0.6, 0.85];
  const [lo, hi] = o.think ?? [150, 600];
  const rnd = o.rnd;
  const think = () => new Promise((r) => setTimeout(r, rnd.int(lo, hi)));
  const page = await context.newPage();
  try {
    await page.goto(o.storeUrl + '/');
    if (!rnd.chance(pProduct)) return 'bounced';
    await think();
    const product = rnd.pick(PRODUCTS);
    await page.click(`a[href="/product/${product.id}"]`);
    await page.waitForSelector('#add-to-cart');
    if (!rnd.chance(pCart)) return 'viewed';
    await think();
    await page.fill('#qty', String(rnd.weighted([[1, 8], [2, 2]] as const)));
    await page.click('#add-to-cart');
    await page.waitForFunction(() => /Added|could not|offline/i.test(document.querySelector('#note')?.textContent ?? ''));
    if (!rnd.chance(pCheckout)) return 'carted';
    await think();
    await page.goto(o.storeUrl + '/checkout');
    await page.waitForSelector('#checkout-form');
    if (await unusable(page)) return 'degraded';
    if (!rnd.chance(pPay)) return 'checkout';
    await think();
    const name = `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`;
    await page.fill('input[name=name]', name);
    await page.fill('input[name=email]', `${name.toLowerCase().replace(' ', '.')}${rnd.int(1, 999)}@example.com`);
    await page.fill('textarea[name=address]', `${rnd.int(1, 200)} Commit Street, Berlin`);
    await page.fill('input[name=card_number]', rnd.chance(0.05) ? '4000 0000 0000 0002' : '4242 4242 4242 4242');
    await page.fill('input[name=exp]', '12/30');
    await page.fill('input[name=cvc]', '123');
    if (await unusable(page)) return 'degraded';
    await page.click('#pay');
    const outcome = await Promise.race([
      page.waitForURL(/\/order\//, { timeout: 20_000 }).then(() => 'paid' as const),
      page.waitForURL(/\/error\?/, { timeout: 20_000 }).then(() => 'failed' as const),
      page.waitForFunction(() => /declined/i.test(document.querySelector('#note')?.textContent ?? ''), undefined, { timeout: 20_000 }).then(() => 'declined' as const),
    ]);
    return outcome;
  } finally {
    // Leaving the page makes the SDK flush what it holds (page hide) before the page goes.
    await page.goto('about:blank').catch(() => {});
    await page.close().catch(() => {});
  }
}

/** The store's checkout is switched off or dimmed by Lifeline: a shopper would give up. */
async function unusable(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const form = document.querySelector('#checkout-form');
    const pay = document.querySelector('#pay');
    return form?.getAttribute('data-lifeline-state') === 'down' || pay?.getAttribute('aria-disabled') === 'true';
  });
}
