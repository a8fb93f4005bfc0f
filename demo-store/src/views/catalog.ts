import { PRODUCTS, formatPrice } from '../shop/catalog';
import { esc } from './html';
import { shirt } from './layout';

export function catalogPage(): string {
  const cards = PRODUCTS.map(
    (p) => `<a class="product" href="/product/${esc(p.id)}">
  ${shirt(p.color, p.print)}
  <h2>${esc(p.name)}</h2>
  <p class="price">${formatPrice(p.price_cents)}</p>
</a>`,
  ).join('\n');
  return `<section class="hero"><h1>Shirts that tell a story</h1>
<p>Heavyweight cotton, water-based inks, and a checkout that tells you the truth when something is wrong.</p></section>
<section class="grid" data-lifeline-feature="recommendations">${cards}</section>`;
}
