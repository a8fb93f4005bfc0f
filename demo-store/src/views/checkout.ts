import { formatPrice } from '../shop/catalog';
import type { CartLineView } from './cart';
import { esc } from './html';

/**
 * The checkout: marked `data-lifeline-feature="checkout"` so the SDK can dim it and disable
 * its button when checkout is degraded, with a `data-lifeline-fallback` block it shows
 * instead when checkout is down.
 */
export function checkoutPage(lines: CartLineView[], total: number, user?: { name: string; email: string }): string {
  if (lines.length === 0) return `<h1>Checkout</h1><p class="empty">Your cart is empty. <a href="/">Find a shirt</a>.</p>`;
  const summary = lines.map((l) => `<li>${l.qty} × ${esc(l.name)} <span>${formatPrice(l.qty * l.price_cents)}</span></li>`).join('');
  return `<h1>Checkout</h1>
<div class="two">
<form id="checkout-form" class="card" data-lifeline-feature="checkout" novalidate>
  <h2>Delivery</h2>
  <label>Name <input name="name" autocomplete="name" value="${esc(user?.name ?? '')}" required></label>
  <label>Email <input name="email" type="email" autocomplete="email" value="${esc(user?.email ?? '')}" required></label>
  <label>Address <textarea name="address" autocomplete="street-address" rows="2" required></textarea></label>
  <h2>Payment</h2>
  <label>Card number <input name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required></label>
  <div class="row">
    <label>Expiry <input name="exp" placeholder="MM/YY" autocomplete="cc-exp" required></label>
    <label>CVC <input name="cvc" inputmode="numeric" autocomplete="cc-csc" required></label>
  </div>
  <button id="pay" type="submit">Pay ${formatPrice(total)}</button>
  <p id="note" role="status" aria-live="polite"></p>
</form>
<aside class="card summary"><h2>Your order</h2><ul>${summary}</ul><p class="total">Total <strong>${formatPrice(total)}</strong></p></aside>
</div>
<section class="card fallback" data-lifeline-fallback="checkout" hidden>
  <h2>Checkout is taking a short break</h2>
  <p>We can't take payments right now. Your cart is saved; please come back in a few minutes, or write to help@fancy-tshirts.example and we'll hold your order.</p>
</section>`;
}
