import { formatPrice, type Product } from '../shop/catalog';
import { esc } from './html';
import { shirt } from './layout';

export function productPage(p: Product): string {
  return `<article class="detail" data-product="${esc(p.id)}" data-price="${p.price_cents}">
  ${shirt(p.color, p.print, 'large')}
  <div>
    <h1>${esc(p.name)}</h1>
    <p class="price">${formatPrice(p.price_cents)}</p>
    <p>${esc(p.description)}</p>
    <label>Quantity <input id="qty" type="number" min="1" max="20" value="1"></label>
    <div class="actions">
      <button id="add-to-cart" type="button">Add to cart</button>
      <button id="size-guide" class="secondary" type="button">Size guide</button>
    </div>
    <p id="note" role="status" aria-live="polite"></p>
  </div>
</article>`;
}
