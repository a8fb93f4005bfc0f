import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { FaultSwitch } from '../shop/faults';
import type { RequestVars } from '../logging/request-log';
import { apiError } from './errors';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `/admin/faults`: read, change (PUT a partial, validated) or clear (DELETE) the injected
 * faults. Bearer admin token, compared in constant time.
 */
export function createAdminApi(faults: FaultSwitch, adminToken: string): Hono<{ Variables: RequestVars }> {
  const admin = new Hono<{ Variables: RequestVars }>();
  admin.use(async function adminAuth(c, next) {
    const auth = c.req.header('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token) return apiError(c, 401, 'unauthorized', 'a Bearer admin token is required');
    if (!same(token, adminToken)) return apiError(c, 403, 'forbidden', 'wrong admin token');
    await next();
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
      return apiError(c, 400, 'invalid_faults', err instanceof Error ? err.message : String(err));
    }
  });
  admin.delete('/faults', (c) => {
    c.get('log').warn('faults cleared');
    return c.json(faults.reset());
  });
  return admin;
}
