import type { Handler } from 'hono';
import { parseBearer, safeEqual } from '../http/bearer-auth';
import { sendError } from '../http/errors';
import { PROMETHEUS_CONTENT_TYPE } from './format';
import { defineProcessMetrics } from './process-metrics';
import { registry as defaultRegistry, type Registry } from './registry';

export interface MetricsRouteOptions {
  /** @default the process-wide registry */
  registry?: Registry;
  /**
   * When set, scrapes must send `Authorization: Bearer <token>` (Prometheus:
   * `authorization: { credentials: … }`). Unset, the route is open, as exporters usually are.
   */
  token?: string;
}

/**
 * `GET /metrics`: the collector's metrics in the Prometheus text format.
 *
 * @example app.get('/metrics', createMetricsRoute({ token: process.env.LIFELINE_METRICS_TOKEN }))
 */
export function createMetricsRoute(options: MetricsRouteOptions = {}): Handler {
  const registry = options.registry ?? defaultRegistry;
  defineProcessMetrics(registry);
  const token = options.token;
  return function getMetrics(c) {
    if (token) {
      const bearer = parseBearer(c.req.header('authorization'));
      if ('reason' in bearer) return sendError(c, 401, 'unauthorized', bearer.reason, { headers: { 'WWW-Authenticate': 'Bearer' } });
      if (!safeEqual(bearer.token, token)) return sendError(c, 403, 'forbidden', 'wrong metrics token');
    }
    return c.body(registry.render(), 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  };
}
