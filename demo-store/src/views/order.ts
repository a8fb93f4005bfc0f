import { formatPrice } from '../shop/catalog';
import type { Order } from '../shop/shop';
import { esc } from './html';

export function orderPage(order: Order): string {
  const lines = order.items.map((l) => `<li>${l.qty} × ${esc(l.name)} <span>${formatPrice(l.qty * l.price_cents)}</span></li>`).join('');
  const status = order.status === 'paid' ? 'Thank you! Your order is confirmed.' : 'Your order is waiting for payment.';
  return `<h1 id="order-status">${status}</h1>
<section class="card" data-order="${esc(order.id)}">
  <p>Order <strong id="order-id">${esc(order.id)}</strong> for ${esc(order.name)}, ${formatPrice(order.total_cents)}.</p>
  <ul>${lines}</ul>
  <p>A confirmation goes to ${esc(order.email)}.</p>
</section>`;
}
