import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { clientId } from '../rate/clientId';
import { bucketsPerConfig, rateLimited } from '../rate/limits';

/**
 * Limits requests per client (a hash of IP and User-Agent, see `clientId`) with the token
 * buckets of `LIFELINE_RATE_CLIENT`, before the body is read: 429 `rate_limited` with
 * `Retry-After`. Each use of the middleware keeps buckets of its own, so a page's event
 * posts do not spend what its status requests need.
 *
 * The buckets are in this isolate's memory: a client spread over several isolates or
 * locations gets the limit in each (see docs/reliability.md for why that is the choice).
 *
 * @example app.use('/v1/events', rateLimitClients())
 */
export function rateLimitClients(): MiddlewareHandler<AppEnv> {
  const bucketsFor = bucketsPerConfig((config) => config.rateClient);
  return async function rateLimitClients(c, next) {
    const buckets = bucketsFor(c.var.config);
    if (buckets) {
      const taken = buckets.take(await clientId(c.req.raw));
      if (!taken.ok) throw rateLimited('too many requests from this client', taken.retryAfterSeconds);
    }
    await next();
  };
}
