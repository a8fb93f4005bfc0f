/** Settings the storefront page needs to load the SDK the way a customer would. */
export interface PageOptions {
  /** Public ingest key written into the script tag's `data-key`. */
  publicKey: string;
  /** Edge URL written into the script tag's `data-endpoint`. */
  edgeUrl: string;
  /** Release tag shown on events. */
  release: string;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The storefront page: the SDK through one script tag, plus two buttons that exercise it. */
export function renderHome(o: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fancy T-Shirts</title>
<link rel="stylesheet" href="/store.css">
<script src="/lifeline.js" data-key="${escape(o.publicKey)}" data-endpoint="${escape(o.edgeUrl)}" data-release="${escape(o.release)}" data-environment="development" async></script>
</head>
<body>
<header class="bar"><a class="brand" href="/">Fancy T-Shirts</a><span class="tag">soft cotton, loud prints</span></header>
<main>
  <section class="hero">
    <h1>Shirts that tell a story</h1>
    <p>Every order is watched over by Lifeline. Try the buttons below and find what they leave behind in the collector's timeline.</p>
  </section>
  <section class="card">
    <h2>Classic Tee — Midnight</h2>
    <p class="price">€24.00</p>
    <div class="actions">
      <button id="add-to-cart" type="button">Add to cart</button>
      <button id="break" class="danger" type="button">Break the page</button>
    </div>
    <p id="note" role="status" aria-live="polite"></p>
  </section>
</main>
<script src="/store.js" defer></script>
</body>
</html>`;
}
