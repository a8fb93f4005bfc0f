import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendLog } from '@lifeline/protocol';
import { createStore } from '../src/server';
import { openShop } from '../src/shop/shop';
import { createFaultSwitch } from '../src/shop/faults';
import { createSimulatedGateway } from '../src/payments/gateway';
import { createBreaker } from '../src/payments/breaker';
import { createPayments } from '../src/payments/payments';
import { createLogger } from '../src/logging/logger';
import { RETRY } from '../src/retry/policies';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function storeAt(dir: string) {
  const faults = createFaultSwitch();
  const logs: BackendLog[] = [];
  const shop = openShop(dir, faults);
  const app = createStore({
    site: { publicKey: 'pk_test', edgeUrl: 'http://edge.test', release: 'test' },
    shop,
    faults,
    payments: createPayments({
      primary: createSimulatedGateway({ name: 'primary', latency: [0, 1], fault: () => faults.get().primary }),
      fallback: createSimulatedGateway({ name: 'fallback', latency: [0, 1], fault: () => faults.get().fallback }),
      breaker: createBreaker(),
      timeoutMs: { primary: 50, fallback: 50 },
    }),
    log: createLogger({ service: 'store', sink: (r) => logs.push(r), echo: 'none' }),
    adminToken: 'admin-secret',
  });
  let cookies = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: cookies, ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name] = pair!.split('=');
      cookies = [...cookies.split('; ').filter((x) => x && !x.startsWith(name + '=')), pair].join('; ');
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, text, headers: res.headers };
  };
  return { app, faults, logs, call };
}

function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'ft-store-'));
  dirs.push(dir);
  return storeAt(dir);
}

const order = { email: 'ann@example.com', name: 'Ann', address: '1 Main Street' };
const card = { card_number: '4242 4242 4242 4242', exp: '12/30', cvc: '123' };

async function placeOrder(s: ReturnType<typeof fresh>) {
  await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 2 });
  const r = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': randomUUID() });
  expect(r.status).toBe(201);
  return r.json.order.id as string;
}

describe('store API', () => {
  it('walks cart → order → payment, with the request ID echoed and logged', async () => {
    const s = fresh();
    const id = await placeOrder(s);
    const pay = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': randomUUID(), 'X-Request-Id': 'req-from-the-sdk-1' });
    expect(pay.status).toBe(200);
    expect(pay.json.order).toMatchObject({ id, status: 'paid', total_cents: 5200 });
    expect(pay.headers.get('x-request-id')).toBe('req-from-the-sdk-1');
    const mine = s.logs.filter((l) => l.request_id === 'req-from-the-sdk-1').map((l) => l.message);
    expect(mine[0]).toBe('request POST /api/pay');
    expect(mine).toContain('order paid');
    expect(mine.at(-1)).toBe('response 200 POST /api/pay');
    expect(s.logs.find((l) => l.message === 'order paid')?.order_id).toBe(id);
    // The cart is emptied once paid.
    expect((await s.call('GET', '/api/cart')).json.count).toBe(0);
  });

  it.each([
    ['no key', undefined, 400],
    ['a key that is not a UUID', 'abc', 400],
  ])('refuses an order with %s', async (_why, key, status) => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 });
    const r = await s.call('POST', '/api/orders', order, key ? { 'Idempotency-Key': key } : {});
    expect(r.status).toBe(status);
    expect(r.json.reason).toMatch(/Idempotency-Key/);
  });

  it('the same key gets the same order; the same key with another body gets 422', async () => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 });
    const key = randomUUID();
    const a = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': key });
    const b = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': key });
    expect(b.status).toBe(201);
    expect(b.json.order.id).toBe(a.json.order.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const c = await s.call('POST', '/api/orders', { ...order, name: 'Bob' }, { 'Idempotency-Key': key });
    expect(c.status).toBe(422);
  });

  it('both gateways down → 503, not remembered, so the same key succeeds once they are back', async () => {
    const s = fresh();
    const id = await placeOrder(s);
    s.faults.set({ primary: { mode: 'down' }, fallback: { mode: 'down' } });
    const key = randomUUID();
    const failed = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': key });
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ error: 'payment_unavailable', request_id: expect.any(String) });
    s.faults.reset();
    const ok = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': key });
    expect(ok.status).toBe(200);
    expect(ok.json.order.status).toBe('paid');
  });

  it('a charge whose order could not be marked paid is recorded on the retry, never charged again', async () => {
    const s = fresh();
    const id = await placeOrder(s);
    s.faults.set({ db: { mode: 'down' } });
    const failed = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': randomUUID(), 'X-Request-Id': 'req-charged-0001' });
    expect(failed.status).toBe(503);
    const approved = s.logs.find((l) => l.request_id === 'req-charged-0001' && l.message === 'gateway primary answered approved');
    expect(approved?.attributes?.charge_id).toEqual(expect.any(String));

    // The database is back, the primary is not: a new charge would go to the fallback.
    s.faults.reset();
    s.faults.set({ primary: { mode: 'down' } });
    const retry = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': randomUUID(), 'X-Request-Id': 'req-charged-0002' });
    expect(retry.status).toBe(200);
    expect(retry.json.order).toMatchObject({ status: 'paid', charge: { id: approved!.attributes!.charge_id, gateway: 'primary' } });
    expect(s.logs.some((l) => l.request_id === 'req-charged-0002' && l.message.startsWith('gateway call'))).toBe(false);
  });

  it('primary down → paid through the fallback', async () => {
    const s = fresh();
    const id = await placeOrder(s);
    s.faults.set({ primary: { mode: 'down' } });
    const r = await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': randomUUID() });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ failover: true, order: { charge: { gateway: 'fallback' } } });
  });

  it.each([
    ['orders service 503', { orders_503: true }, 503],
    ['database down', { db: { mode: 'down' } }, 503],
  ])('%s → %s with a reason and the request ID', async (_why, fault, status) => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 });
    s.faults.set(fault);
    const r = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': randomUUID() });
    expect(r.status).toBe(status);
    expect(r.json.reason).toBeTruthy();
    expect(r.json.request_id).toBeTruthy();
  });

  it.each([
    ['not JSON', '/api/cart/items', '{nope'],
    ['an unknown product', '/api/cart/items', { product_id: 'tee-nope', qty: 1 }],
    ['a bad quantity', '/api/cart/items', { product_id: 'tee-rose', qty: 0 }],
    ['a bad email', '/api/register', { email: 'x', name: 'A', password: 'longenough' }],
    ['a short password', '/api/register', { email: 'a@b.co', name: 'A', password: 'short' }],
  ])('answers %s with a 4xx and a reason', async (_why, path, body) => {
    const s = fresh();
    const r = await s.call('POST', path, body);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json.reason).toBeTruthy();
  });

  it('registers, logs in, refuses a wrong password', async () => {
    const s = fresh();
    expect((await s.call('POST', '/api/register', { email: 'Cat@Example.com', name: 'Cat', password: 'meow-meow' })).status).toBe(201);
    expect((await s.call('GET', '/api/me')).json.user.email).toBe('cat@example.com');
    expect((await s.call('POST', '/api/login', { email: 'cat@example.com', password: 'wrong-one' })).status).toBe(401);
    expect((await s.call('POST', '/api/login', { email: 'cat@example.com', password: 'meow-meow' })).status).toBe(200);
    expect((await s.call('POST', '/api/register', { email: 'cat@example.com', name: 'Cat', password: 'meow-meow' })).status).toBe(409);
  });

  it('keeps orders and accounts across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-store-'));
    dirs.push(dir);
    const a = storeAt(dir);
    await a.call('POST', '/api/cart/items', { product_id: 'tee-mint', qty: 1 });
    const created = await a.call('POST', '/api/orders', order, { 'Idempotency-Key': randomUUID() });
    const b = storeAt(dir);
    const again = await b.call('GET', `/api/orders/${created.json.order.id}`);
    expect(again.json.order).toMatchObject({ id: created.json.order.id, total_cents: 2200 });
  });

  it.each([
    ['no token', {}, 401],
    ['a wrong token', { Authorization: 'Bearer nope' }, 403],
    ['the right token', { Authorization: 'Bearer admin-secret' }, 200],
  ])('fault injection with %s → %s', async (_why, headers, status) => {
    const s = fresh();
    const r = await s.call('PUT', '/admin/faults', { orders_503: true }, headers);
    expect(r.status).toBe(status);
    expect(s.faults.get().orders_503).toBe(status === 200);
  });

  it('support finds a customer by email (admin token only)', async () => {
    const s = fresh();
    const reg = await s.call('POST', '/api/register', { email: 'Dee@Example.com', name: 'Dee', password: 'long-enough' });
    expect((await s.call('GET', '/admin/users?email=dee@example.com')).status).toBe(401);
    const found = await s.call('GET', '/admin/users?email=DEE@example.com', undefined, { Authorization: 'Bearer admin-secret' });
    expect(found.json).toEqual({ id: reg.json.user.id, email: 'dee@example.com', name: 'Dee' });
    expect((await s.call('GET', '/admin/users?email=nobody@example.com', undefined, { Authorization: 'Bearer admin-secret' })).status).toBe(404);
  });

  it('refuses invalid faults with a reason', async () => {
    const s = fresh();
    const r = await s.call('PUT', '/admin/faults', { primary: { mode: 'exploding' } }, { Authorization: 'Bearer admin-secret' });
    expect(r.status).toBe(400);
    expect(s.faults.get().primary.mode).toBe('ok');
  });

  it('renders every page with the SDK script tag and the checkout marked as a feature', async () => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 });
    for (const path of ['/', '/product/tee-rose', '/cart', '/account', '/checkout', '/error?ref=abc']) {
      const r = await s.call('GET', path);
      expect(r.status, path).toBe(200);
      expect(r.text).toContain('<script src="/lifeline.js" data-key="pk_test" data-endpoint="http://edge.test"');
    }
    const checkout = await s.call('GET', '/checkout');
    expect(checkout.text).toContain('data-lifeline-feature="checkout"');
    expect(checkout.text).toContain('data-lifeline-fallback="checkout"');
    expect((await s.call('GET', '/error?ref=%3Cscript%3E')).text).toContain('&#60;script&#62;');
  });

  it('shows the order on its confirmation page, waiting for payment and then confirmed', async () => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 2 });
    await s.call('POST', '/api/cart/items', { product_id: 'tee-mint', qty: 1 });
    const created = await s.call('POST', '/api/orders', { ...order, name: 'Ann <b>Lee</b>' }, { 'Idempotency-Key': randomUUID() });
    const id = created.json.order.id as string;

    const pending = await s.call('GET', `/order/${id}`);
    expect(pending.status).toBe(200);
    expect(pending.text).toContain(`<title>Order ${id} · Fancy T-Shirts</title>`);
    expect(pending.text).toContain(`<strong id="order-id">${id}</strong>`);
    expect(pending.text).toContain('Your order is waiting for payment.');
    expect(pending.text).toContain('2 × Soft Tee — Rose <span>€52.00</span>');
    expect(pending.text).toContain('1 × Pocket Tee — Mint <span>€22.00</span>');
    expect(pending.text).toContain('Ann &#60;b&#62;Lee&#60;/b&#62;, €74.00.');
    expect(pending.text).toContain('A confirmation goes to ann@example.com.');
    expect(pending.text).not.toContain('<b>Lee</b>');

    expect((await s.call('POST', '/api/pay', { order_id: id, ...card }, { 'Idempotency-Key': randomUUID() })).status).toBe(200);
    const paid = await s.call('GET', `/order/${id}`);
    expect(paid.text).toContain('Thank you! Your order is confirmed.');
    expect(paid.text).not.toContain('waiting for payment');

    const missing = await s.call('GET', '/order/FT-000000');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('No such order');
  });
});

describe('database writes', () => {
  const writes = (logs: BackendLog[], requestId: string) => logs.filter((l) => l.request_id === requestId && l.message.startsWith('database write '));

  it('logs each write with its collection, operation, duration and outcome under the request ID', async () => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 }, { 'X-Request-Id': 'req-cart-000001' });
    const [cart] = writes(s.logs, 'req-cart-000001');
    expect(cart).toMatchObject({ level: 'info', message: 'database write carts.put ok', attributes: { collection: 'carts', operation: 'put', outcome: 'ok', attempt: 1, duration_ms: expect.any(Number) } });

    const created = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': randomUUID(), 'X-Request-Id': 'req-order-00001' });
    const mine = s.logs.filter((l) => l.request_id === 'req-order-00001').map((l) => l.message);
    // In order: the request, the order written, the answer remembered under its key, the response.
    const expected = ['request POST /api/orders', 'database write orders.put ok', 'order created', 'database write idempotency.put ok', 'response 201 POST /api/orders'];
    const at = expected.map((m) => mine.indexOf(m));
    expect(at.every((i) => i >= 0), mine.join(' | ')).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // The order's write is on the order's timeline too.
    expect(s.logs.find((l) => l.message === 'database write orders.put ok')?.order_id).toBe(created.json.order.id);
  });

  it('database slow: the request takes at least the delay, and its write log shows it', async () => {
    const DELAY = 250;
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 }, { 'X-Request-Id': 'req-fast-000001' });
    const fast = writes(s.logs, 'req-fast-000001')[0]!;
    expect(fast.attributes!.duration_ms as number).toBeLessThan(DELAY);

    s.faults.set({ db: { mode: 'slow', delay_ms: DELAY } });
    const started = performance.now();
    const r = await s.call('POST', '/api/cart/items', { product_id: 'tee-mint', qty: 1 }, { 'X-Request-Id': 'req-slow-000001' });
    const elapsed = performance.now() - started;
    expect(r.status).toBe(200);
    // Timers may fire up to a millisecond early by the monotonic clock.
    expect(elapsed).toBeGreaterThanOrEqual(DELAY - 1);
    const [slow, ...more] = writes(s.logs, 'req-slow-000001');
    expect(more).toEqual([]);
    expect(slow).toMatchObject({ message: 'database write carts.put ok', attributes: { outcome: 'ok', attempt: 1 } });
    expect(slow!.attributes!.duration_ms as number).toBeGreaterThanOrEqual(DELAY - 1);
    const response = s.logs.find((l) => l.request_id === 'req-slow-000001' && l.message.startsWith('response '))!;
    expect(response.attributes!.duration_ms as number).toBeGreaterThanOrEqual(DELAY - 1);

    // Every write of a request is slowed: an order writes the order and its idempotency record.
    const t0 = performance.now();
    const o = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': randomUUID(), 'X-Request-Id': 'req-slow-000002' });
    expect(o.status).toBe(201);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * DELAY - 2);
    expect(writes(s.logs, 'req-slow-000002').map((l) => l.message)).toEqual(['database write orders.put ok', 'database write idempotency.put ok']);
  });

  it('database down: each attempt is logged as failed, retried as far as its policy allows, then 503', async () => {
    const s = fresh();
    await s.call('POST', '/api/cart/items', { product_id: 'tee-rose', qty: 1 });
    s.faults.set({ db: { mode: 'down' } });
    const key = randomUUID();
    const r = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': key, 'X-Request-Id': 'req-down-000001' });
    expect(r.status).toBe(503);
    const mine = s.logs.filter((l) => l.request_id === 'req-down-000001');
    const failed = mine.filter((l) => l.message === 'database write orders.put failed: database unavailable');
    expect(failed).toHaveLength(RETRY['db.orders.create'].attempts);
    expect(failed.map((l) => l.attributes)).toEqual(failed.map((_, i) => expect.objectContaining({ collection: 'orders', operation: 'put', outcome: 'failed', attempt: i + 1 })));
    expect(failed.every((l) => l.level === 'error')).toBe(true);
    expect(mine.filter((l) => l.message === 'retrying database write orders.put')).toHaveLength(RETRY['db.orders.create'].attempts - 1);
    expect(mine.some((l) => l.message === 'order created')).toBe(false);

    // Back up: the same key places the order, once.
    s.faults.reset();
    const again = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    const replay = await s.call('POST', '/api/orders', order, { 'Idempotency-Key': key });
    expect(replay.json.order.id).toBe(again.json.order.id);
  });
});
