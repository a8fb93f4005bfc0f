import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@lifeline/protocol';
import { addToCart, describeEvent, openHarness, type Harness } from '../support/harness';

/**
 * Story 1, "My payment failed": the primary gateway times out and the fallback is down;
 * the shopper's payment fails and the error page shows a reference. Using only that
 * reference — or the order ID, or the customer's email turned into a user ID — the
 * timeline returns the click on Pay, the /api/pay call with its request ID, the backend's
 * gateway timeout and failover logs, the response, the fallback shown and the browser
 * error, in order.
 */
describe('story: my payment failed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('story-payment-failed');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the reference on the error page leads to the whole story, browser and backend', async () => {
    const { page } = await h.page();
    const email = 'maria.lopez@example.com';
    await page.goto(h.stack.urls.store + '/account');
    await page.fill('#register-form input[name=name]', 'Maria Lopez');
    await page.fill('#register-form input[name=email]', email);
    await page.fill('#register-form input[name=password]', 'a-long-password');
    await page.click('#register-form button[type=submit]');
    await page.waitForURL(h.stack.urls.store + '/');
    await addToCart(page, h.stack.urls.store, 'tee-sunrise');
    await page.goto(h.stack.urls.store + '/checkout');
    await page.fill('textarea[name=address]', '12 Rue des Lilas, Lyon');
    await page.fill('input[name=card_number]', '4242 4242 4242 4242');
    await page.fill('input[name=exp]', '12/30');
    await page.fill('input[name=cvc]', '123');

    await h.faults({ primary: { mode: 'slow', delay_ms: 6000 }, fallback: { mode: 'down' } });
    await page.click('#pay');
    await page.waitForURL(/\/error\?/, { timeout: 30_000 });
    const reference = (await page.textContent('#reference'))!.trim();
    expect(reference).toMatch(/^[0-9a-f-]{36}$/);
    await page.screenshot({ path: join(h.artifacts, 'error-page.png'), fullPage: true });
    await page.goto('about:blank'); // leaving flushes what the SDK still holds

    const story = paymentStory(reference);
    const complete = (es: StoredEvent[]) => story.flat().every(([, match]) => es.some(match));

    const byRef = await h.waitForTimeline(`/v1/query/timeline?by=request&id=${reference}`, complete);
    expectInOrder(byRef, story, 'by request');
    const error = byRef.find((e) => e.kind === 'error')!;
    expect(error.kind === 'error' && String(error.props?.breadcrumbs ?? '')).toMatch(/click[^\n]*pay/i);

    // The same story from the order ID …
    const orderId = byRef.find((e) => e.order_id)?.order_id;
    expect(orderId).toMatch(/^FT-\d{6}$/);
    const byOrder = await h.waitForTimeline(`/v1/query/timeline?by=order&id=${orderId}`, complete);
    expectInOrder(byOrder, story, 'by order');

    // … and from the customer's email, through the store's back office, to the user ID.
    const res = await fetch(`${h.stack.urls.store}/admin/users?email=${encodeURIComponent(email)}`, {
      headers: { Authorization: `Bearer ${h.stack.tokens.adminToken}` },
    });
    const { id: userId } = (await res.json()) as { id: string };
    const byUser = await h.waitForTimeline(`/v1/query/timeline?by=user&id=${userId}`, complete);
    expectInOrder(byUser, story, 'by user');
    // The store identified the shopper by its own customer ID, with the email only as a hash.
    const identify = byUser.find((e) => e.kind === 'track' && e.name === 'identify');
    expect(identify?.user_id).toBe(userId);
    expect(identify?.kind === 'track' && identify.props?.email_sha256).toBe(createHash('sha256').update(email).digest('hex'));
  });
});

type Step = [label: string, match: (e: StoredEvent) => boolean];

/**
 * What support must see of the failed payment `reference`, moment by moment. The browser
 * dates its call from the call's measured duration, so the call and the backend's first
 * log of it can come out a few milliseconds either way: they are one moment.
 */
function paymentStory(reference: string): Step[][] {
  const log = (message: string): Step => [`backend log "${message}"`, (e) => e.kind === 'log' && e.request_id === reference && e.message === message];
  return [
    [['the click on Pay', (e) => e.kind === 'track' && e.name === 'pay_clicked']],
    [
      ['the /api/pay call', (e) => e.kind === 'network' && e.request_id === reference && e.method === 'POST' && e.status === 503 && /\/api\/pay$/.test(e.url ?? '')],
      log('request POST /api/pay'),
    ],
    [log('gateway stripe-sim failed: stripe-sim: timed out after 2500 ms')],
    [log('failover to adyen-sim')],
    [log('both payment gateways failed')],
    [log('response 503 POST /api/pay')],
    [['the checkout fallback shown', (e) => e.kind === 'degrade' && e.feature === 'checkout' && e.state === 'down' && e.reason === 'breaker' && e.request_id === reference]],
    [['the browser error', (e) => e.kind === 'error' && e.message.includes('Payment failed')]],
  ];
}

/**
 * Every step of `story` is on the timeline, and each comes after every step of the moment
 * before: later in the list, or in the same millisecond (the timeline orders events of one
 * millisecond by event ID, so they have no order of their own).
 */
function expectInOrder(events: StoredEvent[], story: Step[][], lookup: string): void {
  const listing = `${lookup}, the timeline held:\n${events.map(describeEvent).join('\n')}`;
  const found = story.map((moment) => moment.map(([label, match]) => ({ label, i: events.findIndex(match) })));
  expect(found.flat().filter((s) => s.i < 0).map((s) => s.label), listing).toEqual([]);
  for (let k = 1; k < found.length; k++) {
    for (const a of found[k - 1]!) {
      for (const b of found[k]!) {
        expect(b.i > a.i || events[b.i]!.ts === events[a.i]!.ts, `${b.label} should follow ${a.label}; ${listing}`).toBe(true);
      }
    }
  }
  expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((x, y) => x - y));
}
