import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { openCollection } from './collection';
import { productById } from './catalog';
import { createDbWriter } from './db-write';
import type { FaultSwitch } from './faults';
import { createIdempotencyStore, type IdempotencyRecord, type IdempotencyStore } from './idempotency';

export interface User { id: string; email: string; name: string; password: string; created_at: number }
export interface Session { id: string; user_id: string; expires_at: number }
export interface CartLine { product_id: string; qty: number }
export interface Cart { id: string; items: CartLine[]; updated_at: number }
export interface OrderLine { product_id: string; name: string; qty: number; price_cents: number }
export interface Order {
  id: string;
  user_id?: string;
  email: string;
  name: string;
  address: string;
  items: OrderLine[];
  total_cents: number;
  status: 'pending' | 'paid';
  charge?: { id: string; gateway: string };
  created_at: number;
  paid_at?: number;
}

/** A request the shop refuses, with the HTTP status to answer. */
export class ShopError extends Error {
  constructor(readonly status: 400 | 401 | 404 | 409, message: string) {
    super(message);
    this.name = 'ShopError';
  }
}

const SESSION_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_QTY = 20;

/**
 * The shop's data and operations, on files under `dir` that survive restarts. Every
 * write goes through one writer, so database faults, retry policies and the write's log
 * line (on the request's `log`) apply to all of them.
 */
export function openShop(dir: string, faults: FaultSwitch) {
  const write = createDbWriter(faults);
  const users = openCollection<User>(join(dir, 'users.json'));
  const sessions = openCollection<Session>(join(dir, 'sessions.json'));
  const carts = openCollection<Cart>(join(dir, 'carts.json'));
  const orders = openCollection<Order>(join(dir, 'orders.json'));
  const idempotency: IdempotencyStore = createIdempotencyStore(openCollection<IdempotencyRecord>(join(dir, 'idempotency.json')), { write });
  const saveCart = (log: Logger, c: Cart) => write(log, { collection: 'carts', operation: 'put', policy: 'db.carts' }, () => carts.put(c));

  const cart = (id: string | undefined): Cart => (id && carts.get(id)) || { id: randomUUID(), items: [], updated_at: Date.now() };

  return {
    idempotency,
    cart,
    async addToCart(cartId: string | undefined, productId: string, qty: number, log: Logger): Promise<Cart> {
      if (!productById(productId)) throw new ShopError(404, `no product ${productId}`);
      if (!Number.isInteger(qty) || qty < 1 || qty > MAX_QTY) throw new ShopError(400, `qty must be 1 to ${MAX_QTY}`);
      const c = cart(cartId);
      const line = c.items.find((l) => l.product_id === productId);
      if (line) line.qty = Math.min(MAX_QTY, line.qty + qty);
      else c.items.push({ product_id: productId, qty });
      c.updated_at = Date.now();
      await saveCart(log, c);
      return c;
    },
    async removeFromCart(cartId: string | undefined, productId: string, log: Logger): Promise<Cart> {
      const c = cart(cartId);
      c.items = c.items.filter((l) => l.product_id !== productId);
      c.updated_at = Date.now();
      await saveCart(log, c);
      return c;
    },
    async register(email: string, name: string, password: string, log: Logger): Promise<{ user: User; session: Session }> {
      const normalized = email.trim().toLowerCase();
      if (users.find((u) => u.email === normalized)) throw new ShopError(409, 'an account with this email exists; log in instead');
      const user: User = { id: randomUUID(), email: normalized, name: name.trim(), password: hashPassword(password), created_at: Date.now() };
      await write(log, { collection: 'users', operation: 'put', policy: 'db.users' }, () => users.put(user));
      return { user, session: await newSession(user.id, log) };
    },
    async login(email: string, password: string, log: Logger): Promise<{ user: User; session: Session }> {
      const user = users.find((u) => u.email === email.trim().toLowerCase());
      if (!user || !checkPassword(password, user.password)) throw new ShopError(401, 'wrong email or password');
      return { user, session: await newSession(user.id, log) };
    },
    async logout(sessionId: string | undefined, log: Logger) {
      if (sessionId && sessions.get(sessionId)) {
        await write(log, { collection: 'sessions', operation: 'delete', policy: 'db.sessions' }, () => sessions.delete(sessionId));
      }
    },
    userBySession(sessionId: string | undefined): User | undefined {
      const s = sessionId ? sessions.get(sessionId) : undefined;
      return s && s.expires_at > Date.now() ? users.get(s.user_id) : undefined;
    },
    userByEmail: (email: string) => users.find((u) => u.email === email.trim().toLowerCase()),
    order: (id: string) => orders.get(id),
    async createOrder(cartId: string | undefined, who: { user?: User; email: string; name: string; address: string }, log: Logger): Promise<Order> {
      const c = cart(cartId);
      if (c.items.length === 0) throw new ShopError(400, 'your cart is empty');
      const items = c.items.map((l) => {
        const p = productById(l.product_id)!;
        return { product_id: p.id, name: p.name, qty: l.qty, price_cents: p.price_cents };
      });
      const order: Order = {
        id: newOrderId((id) => orders.get(id) !== undefined),
        ...(who.user ? { user_id: who.user.id } : {}),
        email: who.email.trim().toLowerCase(),
        name: who.name.trim(),
        address: who.address.trim(),
        items,
        total_cents: items.reduce((s, l) => s + l.qty * l.price_cents, 0),
        status: 'pending',
        created_at: Date.now(),
      };
      await write(log.with({ order_id: order.id }), { collection: 'orders', operation: 'put', policy: 'db.orders.create' }, () => orders.put(order));
      return order;
    },
    async markPaid(order: Order, charge: { id: string; gateway: string }, cartId: string | undefined, log: Logger): Promise<Order> {
      const paid: Order = { ...order, status: 'paid', charge, paid_at: Date.now() };
      await write(log, { collection: 'orders', operation: 'put', policy: 'db.orders.paid' }, () => orders.put(paid));
      if (cartId && carts.get(cartId)) {
        await write(log, { collection: 'carts', operation: 'delete', policy: 'db.carts' }, () => carts.delete(cartId));
      }
      return paid;
    },
  };

  async function newSession(userId: string, log: Logger): Promise<Session> {
    const session = { id: randomBytes(24).toString('base64url'), user_id: userId, expires_at: Date.now() + SESSION_MS };
    await write(log, { collection: 'sessions', operation: 'put', policy: 'db.sessions' }, () => sessions.put(session));
    return session;
  }
}

export type Shop = ReturnType<typeof openShop>;

function newOrderId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = `FT-${100000 + Math.floor(Math.random() * 900000)}`;
    if (!taken(id)) return id;
  }
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
}

function checkPassword(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'hex'), 32), Buffer.from(hash, 'hex'));
}
