import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Config } from '../config';
import type { AppEnv } from '../env';

export interface CorsOptions {
  /** @default ['GET', 'POST', 'OPTIONS'] */
  allowMethods?: string[];
  /** Request headers a browser may send. @default ['Content-Type'] */
  allowHeaders?: string[];
  /** How long browsers may cache a preflight answer, in seconds. @default 86400 */
  maxAge?: number;
}

/**
 * CORS for the browser-facing routes, with origins from `LIFELINE_ALLOWED_ORIGINS`
 * (`*` or a comma list). Wraps hono/cors, building one handler per parsed config.
 *
 * The SDK posts `text/plain`, a simple request that needs no preflight; OPTIONS is
 * answered anyway for callers that send JSON. Credentials are never allowed: the
 * ingest key is public and no cookie means anything here. `Retry-After` is exposed so
 * the SDK can read it on a 503 from another origin, and `ETag` so it can revalidate status.
 *
 * @example app.use('/v1/events', corsFromConfig())
 */
export function corsFromConfig(options: CorsOptions = {}): MiddlewareHandler<AppEnv> {
  const allowMethods = options.allowMethods ?? ['GET', 'POST', 'OPTIONS'];
  const allowHeaders = options.allowHeaders ?? ['Content-Type'];
  const maxAge = options.maxAge ?? 86400;
  const handlers = new WeakMap<Config, MiddlewareHandler>();

  return async function corsFromConfig(c, next) {
    const config = c.var.config;
    let handler = handlers.get(config);
    if (!handler) {
      handler = cors({
        origin: config.allowedOrigins === '*' ? '*' : [...config.allowedOrigins],
        allowMethods,
        allowHeaders,
        exposeHeaders: ['Retry-After', 'ETag'],
        maxAge,
        credentials: false,
      });
      handlers.set(config, handler);
    }
    return handler(c, next);
  };
}
