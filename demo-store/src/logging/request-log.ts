import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from './logger';

export type RequestVars = { log: Logger; requestId: string };

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Gives every request the ID the SDK put in `X-Request-Id` (or a new one), and the trace
 * ID from `traceparent`, puts a logger carrying both on the context, echoes the ID in the
 * response, and logs the request and its response with the duration.
 */
export function requestLog(base: Logger): MiddlewareHandler<{ Variables: RequestVars }> {
  return async function requestLogMiddleware(c, next) {
    const given = c.req.header('x-request-id');
    const requestId = given && SAFE_ID.test(given) ? given : randomUUID();
    const traceId = TRACEPARENT.exec(c.req.header('traceparent') ?? '')?.[1];
    const log = base.with({ request_id: requestId, ...(traceId ? { trace_id: traceId } : {}) });
    c.set('log', log);
    c.set('requestId', requestId);
    const started = performance.now();
    const path = new URL(c.req.url).pathname;
    log.info(`request ${c.req.method} ${path}`, { method: c.req.method, path });
    await next();
    c.header('X-Request-Id', requestId);
    const status = c.res.status;
    const attrs = { method: c.req.method, path, status, duration_ms: Math.round(performance.now() - started) };
    if (status >= 500) log.error(`response ${status} ${c.req.method} ${path}`, attrs);
    else log.info(`response ${status} ${c.req.method} ${path}`, attrs);
  };
}
