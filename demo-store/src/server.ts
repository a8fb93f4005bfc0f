import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { productById } from './shop/catalog';
import type { Shop } from './shop/shop';
import type { FaultSwitch } from './shop/faults';
import type { Payments } from './payments/payments';
import type { Logger } from './logging/logger';
import { requestLog, type RequestVars } from './logging/request-log';
import { createShopApi } from './api/shop-api';
import { createAdminApi } from './api/admin-api';
import { layout, type SiteOptions } from './views/layout';
import { catalogPage } from './views/catalog';
import { productPage } from './views/product';
import { cartPage } from './views/cart';
import { accountPage } from './views/account';
import { checkoutPage } from './views/checkout';
import { orderPage } from './views/order';
import { errorPage } from './views/error';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
/** The SDK's script-tag build, served from the store's own origin as a customer would host it. */
const sdkDist = fileURLToPath(new URL('../../sdk/dist/', import.meta.url));
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export interface StoreDeps {
  site: SiteOptions;
  shop: Shop;
  payments: Payments;
  faults: FaultSwitch;
  log: Logger;
  adminToken: string;
}

/** The storefront: pages, the JSON API under /api, fault injection under /admin. */
export function createStore(d: StoreDeps): Hono<{ Variables: RequestVars }> {
  const app = new Hono<{ Variables: RequestVars }>();
  app.get('/health', (c) => c.json({ ok: true }));
  app.use(requestLog(d.log));
  app.route('/api', createShopApi(d));
  app.route('/admin', createAdminApi(d.faults, d.adminToken, d.shop));

  const render = (c: Context<{ Variables: RequestVars }>, title: string, body: string, status: 200 | 404 = 200) => {
    const cart = d.shop.cart(getCookie(c, 'ft_cart'));
    const user = d.shop.userBySession(getCookie(c, 'ft_session'));
    const cartCount = cart.items.reduce((s, l) => s + l.qty, 0);
    return c.html(layout(d.site, { title, body, cartCount, ...(user ? { userName: user.name } : {}) }), status);
  };
  const lines = (cartId: string | undefined) =>
    d.shop.cart(cartId).items.flatMap((l) => {
      const p = productById(l.product_id);
      return p ? [{ product_id: p.id, name: p.name, qty: l.qty, price_cents: p.price_cents }] : [];
    });
  const total = (ls: { qty: number; price_cents: number }[]) => ls.reduce((s, l) => s + l.qty * l.price_cents, 0);

  app.get('/', (c) => render(c, 'Shop', catalogPage()));
  app.get('/product/:id', (c) => {
    const p = productById(c.req.param('id'));
    return p ? render(c, p.name, productPage(p)) : render(c, 'Not found', '<h1>No such shirt</h1>', 404);
  });
  app.get('/cart', (c) => {
    const ls = lines(getCookie(c, 'ft_cart'));
    return render(c, 'Cart', cartPage(ls, total(ls)));
  });
  app.get('/account', (c) => render(c, 'Account', accountPage(d.shop.userBySession(getCookie(c, 'ft_session')))));
  app.get('/checkout', (c) => {
    const ls = lines(getCookie(c, 'ft_cart'));
    return render(c, 'Checkout', checkoutPage(ls, total(ls), d.shop.userBySession(getCookie(c, 'ft_session'))));
  });
  app.get('/order/:id', (c) => {
    const order = d.shop.order(c.req.param('id'));
    return order ? render(c, `Order ${order.id}`, orderPage(order)) : render(c, 'Not found', '<h1>No such order</h1>', 404);
  });
  app.get('/error', (c) => render(c, 'Something went wrong', errorPage(c.req.query('ref') ?? '', c.req.query('reason') ?? '')));

  // The SDK's script-tag build, and the web-vitals file it adds from beside itself.
  app.get('/:file{lifeline(?:-vitals)?\\.js}', async (c) => {
    const body = await readFile(join(sdkDist, c.req.param('file')), 'utf8').catch(() => null);
    if (body === null) return c.text('SDK bundle missing: run `npm run build -w sdk`', 500);
    return c.body(body, 200, { 'Content-Type': TYPES.js!, 'Cache-Control': 'no-cache' });
  });
  app.get('/:file{[a-z-]+\\.(?:js|css)}', async (c) => {
    const file = c.req.param('file');
    const body = await readFile(publicDir + file, 'utf8').catch(() => null);
    if (body === null) return c.notFound();
    return c.body(body, 200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.') + 1)]! });
  });
  return app;
}
