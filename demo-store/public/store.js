// Fancy T-Shirts' own script. It talks to Lifeline only through window.lifeline, as a
// customer's developer would, and calls its backend with fetch (which the SDK tags with a
// request ID).
(function () {
  'use strict';
  var $ = function (sel) { return document.querySelector(sel); };
  // The SDK's inline snippet (docs/sdk.md): its tag is async, so this script may run first;
  // until the SDK has started, these calls wait in its queue instead of being lost.
  var stub = window.lifeline = window.lifeline || { q: [] };
  'init track identify reset captureError consent'.split(' ').forEach(function (m) {
    stub[m] = stub[m] || function () { stub.q.push([m, arguments]); };
  });
  var ll = function (method) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (window.lifeline && typeof window.lifeline[method] === 'function') return window.lifeline[method].apply(null, args);
  };
  var note = function (text) { var n = $('#note'); if (n) n.textContent = text; };

  function api(method, path, body, headers) {
    return fetch(path, {
      method: method,
      headers: Object.assign({ 'Content-Type': 'application/json' }, headers || {}),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        data.request_id = data.request_id || res.headers.get('X-Request-Id') || ll('lastRequestId');
        return { ok: res.ok, status: res.status, data: data };
      });
    });
  }

  function showError(result, fallbackReason) {
    var ref = (result && result.data && result.data.request_id) || ll('lastRequestId') || '';
    var reason = (result && result.data && result.data.reason) || fallbackReason || '';
    location.href = '/error?ref=' + encodeURIComponent(ref) + '&reason=' + encodeURIComponent(reason);
  }

  function setCount(n) { var b = $('#cart-count'); if (b) b.textContent = String(n); }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // One Idempotency-Key per distinct request: a retry of the same order reuses it, a changed
  // form gets a new one (the server refuses a key reused for another body).
  function keyFor(name, body) {
    var text = JSON.stringify(body);
    var saved = JSON.parse(sessionStorage.getItem('ft_key_' + name) || 'null');
    if (saved && saved.body === text) return saved.key;
    var key = uuid();
    sessionStorage.setItem('ft_key_' + name, JSON.stringify({ key: key, body: text }));
    return key;
  }

  // Product page.
  var detail = $('[data-product]');
  if (detail) {
    var productId = detail.getAttribute('data-product');
    var price = Number(detail.getAttribute('data-price')) / 100;
    ll('track', 'view_product', { product_id: productId, price: price });
    $('#add-to-cart').addEventListener('click', function () {
      var qty = Math.max(1, Math.min(20, Number($('#qty').value) || 1));
      api('POST', '/api/cart/items', { product_id: productId, qty: qty }).then(function (r) {
        if (!r.ok) return note(r.data.reason || 'Could not add to cart.');
        ll('track', 'add_to_cart', { product_id: productId, qty: qty, price: price });
        setCount(r.data.count);
        note('Added to your cart.');
      }, function () { note('You seem to be offline; please try again.'); });
    });
    $('#size-guide').addEventListener('click', function openSizeGuide() {
      // A real bug, kept on purpose: the size chart was never loaded for this page.
      var sizes = window.sizeChart;
      note('Sizes: ' + sizes.rows.join(', '));
    });
  }

  // Cart page.
  document.querySelectorAll('[data-remove]').forEach(function (btn) {
    btn.addEventListener('click', function () {
      api('DELETE', '/api/cart/items/' + encodeURIComponent(btn.getAttribute('data-remove'))).then(function () { location.reload(); });
    });
  });

  // Account page.
  function formData(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) { out[k] = String(v); });
    return out;
  }

  // The lowercase hex SHA-256 of the trimmed, lower-cased email, or undefined where the
  // browser cannot make one (crypto.subtle exists only in secure contexts): it lets a
  // customer be matched by email without the address itself leaving the page.
  function emailHash(email) {
    var text = String(email || '').trim().toLowerCase();
    try {
      if (!text || !window.crypto || !crypto.subtle) return Promise.resolve(undefined);
      return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(function (digest) {
        return Array.prototype.map.call(new Uint8Array(digest), function (x) { return (x + 256).toString(16).slice(1); }).join('');
      }, function () { return undefined; });
    } catch (err) {
      return Promise.resolve(undefined);
    }
  }

  // Tells Lifeline who the shopper is by the store's own customer ID, never the email.
  function identify(user, email) {
    return emailHash(email).then(function (hash) {
      ll('identify', user.id, hash ? { name: user.name, email_sha256: hash } : { name: user.name });
    });
  }

  var register = $('#register-form');
  if (register) {
    register.addEventListener('submit', function (e) {
      e.preventDefault();
      var data = formData(register);
      api('POST', '/api/register', data).then(function (r) {
        if (!r.ok) return note(r.data.reason || 'Could not register.');
        return identify(r.data.user, data.email).then(function () {
          ll('track', 'sign_up', {});
          location.href = '/';
        });
      });
    });
  }
  var login = $('#login-form');
  if (login) {
    login.addEventListener('submit', function (e) {
      e.preventDefault();
      var data = formData(login);
      api('POST', '/api/login', data).then(function (r) {
        if (!r.ok) return note(r.data.reason || 'Could not sign in.');
        return identify(r.data.user, data.email).then(function () { location.href = '/'; });
      });
    });
  }
  var logout = $('#logout');
  if (logout) {
    logout.addEventListener('click', function () {
      api('POST', '/api/logout', {}).then(function () { ll('reset'); location.href = '/'; });
    });
  }

  // Checkout page.
  var checkout = $('#checkout-form');
  if (checkout) {
    ll('track', 'begin_checkout', {});
    checkout.addEventListener('submit', function (e) {
      e.preventDefault();
      // The shopper's decision to pay, on the timeline before the calls it starts.
      ll('track', 'pay_clicked', {});
      var data = formData(checkout);
      var pay = $('#pay');
      pay.disabled = true;
      note('Placing your order…');
      var orderBody = { email: data.email, name: data.name, address: data.address };
      api('POST', '/api/orders', orderBody, { 'Idempotency-Key': keyFor('order', orderBody) })
        .then(function (r) {
          if (!r.ok) { pay.disabled = false; return r.status === 400 ? note(r.data.reason) : showError(r); }
          var order = r.data.order;
          ll('track', 'order_created', { order_id: order.id, value: order.total_cents / 100 });
          note('Paying…');
          var payBody = { order_id: order.id, card_number: data.card_number, exp: data.exp, cvc: data.cvc };
          return api('POST', '/api/pay', payBody, { 'Idempotency-Key': keyFor('pay', payBody) }).then(function (p) {
            if (p.ok) {
              sessionStorage.removeItem('ft_key_order');
              sessionStorage.removeItem('ft_key_pay');
              ll('track', 'purchase', { order_id: order.id, revenue: order.total_cents / 100, currency: 'EUR' });
              location.href = '/order/' + encodeURIComponent(order.id);
              return;
            }
            pay.disabled = false;
            if (p.status === 400 || p.status === 402) return note(p.data.reason);
            ll('captureError', new Error('Payment failed: ' + (p.data.reason || p.status)), { order_id: order.id, status: p.status });
            showError(p);
          });
        })
        .catch(function (err) {
          pay.disabled = false;
          ll('captureError', err);
          showError(null, 'We could not reach the shop.');
        });
    });
  }
})();
