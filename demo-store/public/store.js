// The storefront's own script: it talks to Lifeline only through window.lifeline,
// as a customer's developer would.
document.getElementById('add-to-cart').addEventListener('click', function () {
  if (window.lifeline) window.lifeline.track('add_to_cart', { sku: 'TEE-MIDNIGHT', price: 24 });
  document.getElementById('note').textContent = 'Added to your cart.';
});
document.getElementById('break').addEventListener('click', function brokenCheckout() {
  document.getElementById('note').textContent = 'Something broke. Lifeline caught it.';
  // A deliberate bug: an uncaught error the SDK must capture with its stack.
  throw new Error('Checkout exploded: cart total is NaN');
});
