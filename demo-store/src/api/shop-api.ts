import { Hono, type Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { PRODUCTS, productById } from '../shop/catalog';
import { ShopError, type Shop } from '../shop/shop';
import { DatabaseUnavailable } from '../shop/database-unavailable';
import { isIdempotencyKey, type IdempotencyStore } from '../shop/idempotency';
import type { FaultSwitch } from '../shop/faults';
import { PaymentUnavailable, type PaymentResult, type Payments } from '../payments/payments';
import type { RequestVars } from '../logging/request-log';
import { apiError } from './errors';

export interface ShopApiDeps {
  shop: Shop;
  payments: Payments;
  faults: FaultSwitch;
}

type Env = { Variables: RequestVars };

const CART = 'ft_cart';
const SESSION = 'ft_session';
const cookieOpts = { path: '/', httpOnly: true, sameSite: 'Lax' as const, maxAge: 30 * 24 * 3600 };

const AddItem = z.object({ product_id: z.string().max(64), qty: z.number().int().min(1).max(20).default(1) });
const Register = z.object({ email: z.email().max(254), name: z.string().min(1).max(100), password: z.string().min(8).max(200) });
const Login = z.object({ email: z.string().max(254), password: z.string().max(200) });
const NewOrder = z.object({ email: z.email().max(254), name: z.string().min(1).max(100), address: z.string().min(5).max(500) });
const Pay = z.object({
  order_id: z.string().max(32),
  card_number: z.string().regex(/^[0-9 ]{12,23}$/, 'card_number must be 12 to 19 digits'),
  exp: z.string().regex(/^(0[1-9]|1[0-2])\/[0-9]{2}$/, 'exp must be MM/YY'),
  cvc: z.string().regex(/^[0-9]{3,4}$/, 'cvc must be 3 or 4 digits'),
});

/** The store's JSON API under `/api`: catalog, cart, accounts, orders and payments. */
export function createShopApi({ shop, payments, faults }: ShopApiDeps): Hono<Env> {
  const api = new Hono<Env>();
  const idempotent = idempotentRunner(shop.idempotency);
  /**
   * Charges approved by a gateway whose order could not be marked paid yet (the database
   * refused the write). The shopper's retry, with whatever key, records this charge
   * instead of charging again, possibly at the other gateway. Kept in memory: the
   * simulated gateways forget their own keys at a restart too.
   */
  const unrecorded = new Map<string, PaymentResult>();

  api.onError((err, c) => {
    if (err instanceof ShopError) return apiError(c, err.status, 'rejected', err.message);
    if (err instanceof DatabaseUnavailable) {
      c.get('log').error('database write failed: unavailable');
      return apiError(c, 503, 'unavailable', 'Our shop is having trouble saving your changes. Please try again in a moment.');
    }
    c.get('log').error(`unexpected error: ${err.message}`);
    return apiError(c, 500, 'internal', 'Something went wrong on our side.');
  });

  api.get('/products', (c) => c.json({ products: PRODUCTS }));

  api.get('/cart', (c) => c.json(cartView(shop.cart(getCookie(c, CART)))));
  api.post('/cart/items', async (c) => {
    const { data } = parse(await c.req.text(), AddItem);
    const cart = await shop.addToCart(getCookie(c, CART), data.product_id, data.qty, c.get('log'));
    setCookie(c, CART, cart.id, cookieOpts);
    c.get('log').info('cart updated', { product_id: data.product_id, qty: data.qty, cart_lines: cart.items.length });
    return c.json(cartView(cart));
  });
  api.delete('/cart/items/:product', async (c) => {
    const cart = await shop.removeFromCart(getCookie(c, CART), c.req.param('product'), c.get('log'));
    return c.json(cartView(cart));
  });

  api.post('/register', async (c) => {
    const { data } = parse(await c.req.text(), Register);
    const { user, session } = await shop.register(data.email, data.name, data.password, c.get('log'));
    setCookie(c, SESSION, session.id, cookieOpts);
    c.get('log').with({ user_id: user.id }).info('user registered');
    return c.json({ user: { id: user.id, email: user.email, name: user.name } }, 201);
  });
  api.post('/login', async (c) => {
    const { data } = parse(await c.req.text(), Login);
    const { user, session } = await shop.login(data.email, data.password, c.get('log'));
    setCookie(c, SESSION, session.id, cookieOpts);
    c.get('log').with({ user_id: user.id }).info('user logged in');
    return c.json({ user: { id: user.id, email: user.email, name: user.name } });
  });
  api.post('/logout', async (c) => {
    await shop.logout(getCookie(c, SESSION), c.get('log'));
    deleteCookie(c, SESSION, { path: '/' });
    return c.json({ ok: true });
  });
  api.get('/me', (c) => {
    const user = shop.userBySession(getCookie(c, SESSION));
    return c.json({ user: user ? { id: user.id, email: user.email, name: user.name } : null });
  });

  api.get('/orders/:id', (c) => {
    const order = shop.order(c.req.param('id'));
    return order ? c.json({ order }) : apiError(c, 404, 'not_found', 'no such order');
  });

  api.post('/orders', (c) =>
    idempotent(c, 'orders', async (raw) => {
      if (faults.get().orders_503) {
        c.get('log').error('orders service unavailable (fault injected)');
        return { status: 503, body: { error: 'unavailable', reason: 'Our orders service is unavailable. Please try again in a moment.' } };
      }
      const { data } = parse(raw, NewOrder);
      const user = shop.userBySession(getCookie(c, SESSION));
      const order = await shop.createOrder(getCookie(c, CART), { ...data, ...(user ? { user } : {}) }, c.get('log'));
      c.get('log').with({ order_id: order.id, ...(user ? { user_id: user.id } : {}) }).info('order created', { total_cents: order.total_cents, lines: order.items.length });
      return { status: 201, body: { order } };
    }),
  );

  api.post('/pay', (c) =>
    idempotent(c, 'pay', async (raw) => {
      const { data } = parse(raw, Pay);
      const order = shop.order(data.order_id);
      if (!order) throw new ShopError(404, 'no such order');
      const log = c.get('log').with({ order_id: order.id, ...(order.user_id ? { user_id: order.user_id } : {}) });
      if (order.status === 'paid') return { status: 200, body: { order } };
      const digits = data.card_number.replace(/ /g, '');
      try {
        const earlier = unrecorded.get(order.id);
        if (earlier) log.info('charge already approved, recording it', { gateway: earlier.charge.gateway, charge_id: earlier.charge.id });
        const { charge, failover } =
          earlier ??
          (await payments.pay(
            { amount_cents: order.total_cents, currency: 'EUR', card_last4: digits.slice(-4), idempotency_key: c.req.header('idempotency-key')! },
            log,
          ));
        if (charge.status === 'declined') {
          log.warn('payment declined', { gateway: charge.gateway });
          return { status: 402, body: { error: 'declined', reason: 'the card was declined', order } };
        }
        unrecorded.set(order.id, { charge, failover });
        const paid = await shop.markPaid(order, { id: charge.id, gateway: charge.gateway }, getCookie(c, CART), log);
        unrecorded.delete(order.id);
        log.info('order paid', { gateway: charge.gateway, failover, charge_id: charge.id });
        return { status: 200, body: { order: paid, failover } };
      } catch (err) {
        if (!(err instanceof PaymentUnavailable)) throw err;
        return { status: 503, body: { error: 'payment_unavailable', reason: 'We could not reach our payment providers, and you have not been charged.' } };
      }
    }),
  );

  return api;
}

function parse<T extends z.ZodType>(raw: string, schema: T): { data: z.infer<T> } {
  let json: unknown;
  try {
    json = JSON.parse(raw || '{}');
  } catch {
    throw new ShopError(400, 'the body is not valid JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ShopError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return { data: r.data };
}

type Outcome = { status: 200 | 201 | 402 | 503; body: Record<string, unknown> };

/**
 * Runs a state-changing handler at most once per `Idempotency-Key` (a UUID header):
 * a repeat gets the first answer again, marked `Idempotent-Replayed: true`.
 */
function idempotentRunner(store: IdempotencyStore) {
  return async function idempotent(c: Context<Env>, scope: 'orders' | 'pay', run: (raw: string) => Promise<Outcome>) {
    const key = c.req.header('idempotency-key');
    if (!isIdempotencyKey(key)) return apiError(c, 400, 'idempotency_key', 'an Idempotency-Key header with a UUID is required');
    const raw = await c.req.text();
    const decision = store.begin(scope, key, raw);
    if (decision.kind === 'conflict') return apiError(c, decision.status, 'idempotency_conflict', decision.reason);
    if (decision.kind === 'replay') {
      c.header('Idempotent-Replayed', 'true');
      return c.json({ ...(decision.body as object), request_id: c.get('requestId') }, decision.status as Outcome['status']);
    }
    let result: Outcome;
    try {
      result = await run(raw);
    } catch (err) {
      store.release(scope, key);
      throw err;
    }
    if (result.status >= 500) store.release(scope, key);
    else await store.finish(scope, key, { body: raw, status: result.status, response: result.body }, c.get('log'));
    return c.json({ ...result.body, request_id: c.get('requestId') }, result.status);
  };
}

function cartView(cart: { id: string; items: { product_id: string; qty: number }[] }) {
  const lines = cart.items.flatMap((l) => {
    const p = productById(l.product_id);
    return p ? [{ product_id: p.id, name: p.name, qty: l.qty, price_cents: p.price_cents }] : [];
  });
  return { items: lines, total_cents: lines.reduce((s, l) => s + l.qty * l.price_cents, 0), count: lines.reduce((s, l) => s + l.qty, 0) };
}
