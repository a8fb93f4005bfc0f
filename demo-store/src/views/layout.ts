import { esc } from './html';

/** What every page needs to load the SDK the way a customer's developer would. */
export interface SiteOptions {
  /** Public ingest key written into the script tag's `data-key`. */
  publicKey: string;
  /** Edge URL written into the script tag's `data-endpoint`. */
  edgeUrl: string;
  release: string;
}

/** The backend routes behind each feature, for the SDK's circuit breakers. */
const FEATURES = JSON.stringify({ checkout: ['/api/orders', '/api/pay'] });
/**
 * One failed payment opens the checkout breaker: a shopper who just saw both providers
 * fail gains nothing from a blind retry within the cool-down, and each page load makes at
 * most one payment call, so a larger count would never be reached.
 */
const BREAKER = JSON.stringify({ failures: 1, cooldownMs: 15_000 });

export interface PageChrome {
  title: string;
  cartCount: number;
  userName?: string;
  body: string;
}

/** The page frame: header with cart count, the SDK script tag, the store's own script. */
export function layout(site: SiteOptions, page: PageChrome): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(page.title)} · Fancy T-Shirts</title>
<link rel="stylesheet" href="/store.css">
<script src="/lifeline.js" data-key="${esc(site.publicKey)}" data-endpoint="${esc(site.edgeUrl)}" data-release="${esc(site.release)}" data-environment="development"
  data-features='${FEATURES}' data-breaker='${BREAKER}' async></script>
<script src="/store.js" defer></script>
</head>
<body>
<header class="bar">
  <a class="brand" href="/">Fancy T-Shirts</a>
  <span class="tag">soft cotton, loud prints</span>
  <nav>
    <a href="/account">${page.userName ? `Hi, ${esc(page.userName)}` : 'Sign in'}</a>
    <a href="/cart" class="cart-link">Cart <span id="cart-count" class="badge">${page.cartCount}</span></a>
  </nav>
</header>
<main>
${page.body}
</main>
<footer class="foot">Fancy T-Shirts is a demo store watched over by Lifeline.</footer>
</body>
</html>`;
}

/** A T-shirt drawn in CSS: the catalog needs no image files. */
export const shirt = (color: string, print: string, size: 'small' | 'large' = 'small') =>
  `<div class="shirt ${size}" style="--shirt:${esc(color)}" aria-hidden="true"><span>${esc(print)}</span></div>`;
