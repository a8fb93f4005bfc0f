import { esc } from './html';

/** Shown when a call failed: the reference is the request ID the SDK put on that call. */
export function errorPage(reference: string, reason: string): string {
  return `<section class="card error-card" role="alert">
  <h1>Sorry, that didn't work</h1>
  <p>${esc(reason || 'Something went wrong on our side.')}</p>
  <p>Trying again is safe: the same order is never charged twice.</p>
  <p>If you write to us, quote this reference so we can see exactly what happened:</p>
  <p class="reference"><code id="reference">${esc(reference || 'unknown')}</code></p>
  <p><a href="/cart">Back to your cart</a></p>
</section>`;
}
