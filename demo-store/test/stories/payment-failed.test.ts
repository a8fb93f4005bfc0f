import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '@lifeline/protocol';
import { addToCart, openHarness, type Harness } from '../support/harness';

/**
 * Story 1, "My payment failed": the primary gateway times out and the fallback is down;
 * the shopper's payment fails and the error page shows a reference. Using only that
 * reference — or the order ID, or the customer's email turned into a user ID — the
 * timeline returns the /api/pay call with its request ID, the backend's gateway timeout
 * and failover logs, the response, the browser error (with the click in its breadcrumbs)
 * and the fallback shown, in order.
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

    const complete = (es: StoredEvent[]) =>
      es.some((e) => e.kind === 'network' && e.request_id === reference) &&
      es.some((e) => e.kind === 'log' && e.message.startsWith('response 503')) &&
      es.some((e) => e.kind === 'error') &&
      es.some((e) => e.kind === 'degrade' && e.state === 'down');
    const byRef = await h.waitForTimeline(`/v1/query/timeline?by=request&id=${reference}`, complete);

    const pay = byRef.find((e) => e.kind === 'network' && e.request_id === reference)!;
    expect(pay).toMatchObject({ method: 'POST', status: 503 });
    expect(pay.kind === 'network' && pay.url).toMatch(/\/api\/pay$/);
    const backend = byRef.filter((e) => e.kind === 'log' && e.request_id === reference).map((e) => (e.kind === 'log' ? e.message : ''));
    const order = ['request POST /api/pay', 'gateway stripe-sim failed: stripe-sim: timed out after 2500 ms', 'failover to adyen-sim', 'both payment gateways failed', 'response 503 POST /api/pay'];
    const positions = order.map((m) => backend.findIndex((b) => b === m));
    expect(positions.every((p) => p >= 0), `backend logs: ${backend.join(' | ')}`).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const kinds = byRef.map((e) => e.kind);
    const responseAt = byRef.findIndex((e) => e.kind === 'log' && e.message === 'response 503 POST /api/pay');
    const errorAt = kinds.indexOf('error');
    const degradeAt = byRef.findIndex((e) => e.kind === 'degrade' && e.state === 'down');
    expect(errorAt).toBeGreaterThan(responseAt);
    expect(degradeAt).toBeGreaterThan(responseAt);
    const error = byRef[errorAt]!;
    expect(error.kind === 'error' && error.message).toContain('Payment failed');
    expect(error.kind === 'error' && String(error.props?.breadcrumbs ?? '')).toMatch(/click[^\n]*pay/i);
    expect(byRef[degradeAt]).toMatchObject({ feature: 'checkout', reason: 'breaker', request_id: reference });
    expect(byRef.map((e) => e.ts)).toEqual([...byRef.map((e) => e.ts)].sort((a, b) => a - b));

    // The same story from the order ID …
    const orderId = pay.order_id ?? byRef.find((e) => e.order_id)?.order_id;
    expect(orderId).toMatch(/^FT-\d{6}$/);
    const byOrder = await h.waitForTimeline(`/v1/query/timeline?by=order&id=${orderId}`, complete);
    expect(byOrder.some((e) => e.kind === 'log' && e.message === 'failover to adyen-sim' && e.request_id === reference)).toBe(true);

    // … and from the customer's email, through the store's back office, to the user ID.
    const res = await fetch(`${h.stack.urls.store}/admin/users?email=${encodeURIComponent(email)}`, {
      headers: { Authorization: `Bearer ${h.stack.tokens.adminToken}` },
    });
    const { id: userId } = (await res.json()) as { id: string };
    const byUser = await h.waitForTimeline(`/v1/query/timeline?by=user&id=${userId}`, complete);
    expect(byUser.some((e) => e.kind === 'network' && e.request_id === reference)).toBe(true);
  });
});
