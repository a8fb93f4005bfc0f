import { formatPrice } from '../shop/catalog';
import { esc } from './html';

export interface CartLineView { product_id: string; name: string; qty: number; price_cents: number }

export function cartPage(lines: CartLineView[], total: number): string {
  if (lines.length === 0) {
    return `<h1>Your cart</h1><p class="empty">Your cart is empty. <a href="/">Find a shirt</a>.</p>`;
  }
  const rows = lines
    .map(
      (l) => `<tr><td>${esc(l.name)}</td><td>${l.qty}</td><td>${formatPrice(l.price_cents * l.qty)}</td>
<td><button class="link" type="button" data-remove="${esc(l.product_id)}">Remove</button></td></tr>`,
    )
    .join('\n');
  return `<h1>Your cart</h1>
<table class="lines"><thead><tr><th>Shirt</th><th>Qty</th><th>Price</th><th></th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th colspan="2">Total</th><th id="cart-total">${formatPrice(total)}</th><th></th></tr></tfoot></table>
<p><a class="button" id="to-checkout" href="/checkout" data-lifeline-feature="checkout">Go to checkout</a></p>`;
}
