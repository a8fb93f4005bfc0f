import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { collectorMetrics, type CollectorMetrics } from './collector-metrics';

/**
 * Middleware recording each request's duration in `lifeline_http_request_duration_seconds`,
 * labelled by the matched route pattern (`/v1/query/funnel`, not the URL with its query
 * string), so the number of series stays bounded whatever clients send.
 *
 * @example app.use('/v1/*', timeRequests())
 */
export function timeRequests(options: { metrics?: Pick<CollectorMetrics, 'httpDuration'> } = {}): MiddlewareHandler {
  const { httpDuration } = options.metrics ?? collectorMetrics;
  return async function timeRequests(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The last matched route is the handler that answered; when only this middleware
      // matched (a 404), it is this middleware's own pattern.
      const route = routePath(c, -1) || 'unmatched';
      httpDuration.observe((performance.now() - started) / 1000, { route, method: c.req.method, status: String(c.res.status) });
    }
  };
}
