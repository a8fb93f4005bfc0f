/** A product of the catalog. Prices are in cents to keep sums exact. */
export interface Product {
  id: string;
  name: string;
  price_cents: number;
  color: string;
  print: string;
  description: string;
}

/** The catalog is fixed: it ships with the demo and needs no database. */
export const PRODUCTS: readonly Product[] = [
  { id: 'tee-midnight', name: 'Classic Tee — Midnight', price_cents: 2400, color: '#1d2540', print: '☾', description: 'Heavyweight cotton in the deep blue of 2 a.m. deploys.' },
  { id: 'tee-sunrise', name: 'Classic Tee — Sunrise', price_cents: 2400, color: '#f08a4b', print: '☀', description: 'Warm orange for the first green build of the day.' },
  { id: 'tee-forest', name: 'Trail Tee — Forest', price_cents: 2800, color: '#2f6b46', print: '▲', description: 'Organic cotton, printed with water-based inks.' },
  { id: 'tee-rose', name: 'Soft Tee — Rose', price_cents: 2600, color: '#d6336c', print: '✿', description: 'Garment-dyed and pre-shrunk; it stays the size you bought.' },
  { id: 'tee-cloud', name: 'Soft Tee — Cloud', price_cents: 2600, color: '#8aa4c8', print: '☁', description: 'Light as the cache it never misses.' },
  { id: 'tee-lemon', name: 'Graphic Tee — Lemon', price_cents: 3000, color: '#e9c53a', print: '◉', description: 'A loud print for quiet on-call weeks.' },
  { id: 'tee-ink', name: 'Graphic Tee — Ink', price_cents: 3000, color: '#2b2b2b', print: '✎', description: 'Black on black, for people who read logs for fun.' },
  { id: 'tee-mint', name: 'Pocket Tee — Mint', price_cents: 2200, color: '#7cc6a4', print: '◆', description: 'A pocket for your request ID.' },
];

export const productById = (id: string): Product | undefined => PRODUCTS.find((p) => p.id === id);

export const formatPrice = (cents: number): string => `€${(cents / 100).toFixed(2)}`;
