import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { FaultSwitch } from '../shop/faults';
import type { Shop } from '../shop/shop';
import type { RequestVars } from '../logging/request-log';
import { apiError } from './errors';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The store's back office, behind a bearer admin token compared in constant time:
 * `/admin/faults` reads, changes (PUT a partial, validated) or clears (DELETE) the injected
 * faults; `/admin/users?email=` is how support turns a customer's email into the user ID
 * that Lifeline's timelines are keyed by (Lifeline itself stores no emails).
 */
export function createAdminApi(faults: FaultSwitch, adminToken: string, shop: Shop): Hono<{ Variables: RequestVars }> {
  const admin = new Hono<{ Variables: RequestVars }>();
  admin.use(async function adminAuth(c, next) {
    const auth = c.req.header('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token) return apiError(c, 401, 'unauthorized', 'a Bearer admin token is required');
    if (!same(token, adminToken)) return apiError(c, 403, 'forbidden', 'wrong admin token');
    await next();
  });
  admin.get('/users', (c) => {
    const user = shop.userByEmail(c.req.query('email') ?? '');
    return user ? c.json({ id: user.id, email: user.email, name: user.name }) : apiError(c, 404, 'not_found', 'no customer with that email');
  });
  admin.get('/faults', (c) => c.json(faults.get()));
  admin.put('/faults', async (c) => {
    let change: unknown;
    try {
      change = JSON.parse(await c.req.text());
    } catch {
      return apiError(c, 400, 'invalid_json', 'the body is not valid JSON');
    }
    try {
      const now = faults.set(change);
      c.get('log').warn('faults changed', { faults: JSON.stringify(now) });
      return c.json(now);
    } catch (err) {
      const reason = err instanceof z.ZodError
        ? err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
        : err instanceof Error ? err.message : String(err);
      return apiError(c, 400, 'invalid_faults', reason);
    }
  });
  admin.delete('/faults', (c) => {
    c.get('log').warn('faults cleared');
    return c.json(faults.reset());
  });
  return admin;
}
