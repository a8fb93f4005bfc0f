import type { MiddlewareHandler } from 'hono';
import { loadConfig } from '../config';
import type { AppEnv } from '../env';

/**
 * Puts the parsed `Config` on `c.var.config` for the routes after it. Parsing happens once
 * per isolate (see `loadConfig`); a broken var answers 500 `misconfigured` naming the var.
 *
 * @example app.use('/v1/*', withConfig())
 */
export function withConfig(): MiddlewareHandler<AppEnv> {
  return async function withConfig(c, next) {
    c.set('config', loadConfig(c.env));
    await next();
  };
}
