import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { sendError } from './errors';

/** What the read-token middleware leaves on the context. */
export type ReadAuthEnv = { Variables: { project: string } };

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or why there is none. */
export function parseBearer(header: string | undefined): { token: string } | { reason: string } {
  if (!header) return { reason: 'missing Authorization: Bearer <token> header' };
  const token = BEARER.exec(header)?.[1];
  return token ? { token } : { reason: 'malformed Authorization header; expected "Bearer <token>"' };
}

/**
 * Compares two secrets in time independent of where they differ. Hashing first gives
 * `timingSafeEqual` equal-length inputs, so the length of the secret does not leak either.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

const unauthorized = { 'WWW-Authenticate': 'Bearer' };

/**
 * Requires `Authorization: Bearer <secret>`: 401 when missing or malformed, 403 when wrong.
 *
 * @example app.post('/v1/batch', requireSecret({ secret: config.collectorSecret }), handler)
 */
export function requireSecret(options: { secret: string }): MiddlewareHandler {
  const { secret } = options;
  return async function requireSecret(c, next) {
    const bearer = parseBearer(c.req.header('authorization'));
    if ('reason' in bearer) return sendError(c, 401, 'unauthorized', bearer.reason, { headers: unauthorized });
    if (!safeEqual(bearer.token, secret)) return sendError(c, 403, 'forbidden', 'wrong collector secret');
    await next();
  };
}

/**
 * Requires a read token and sets `project` to the one project it may read.
 * Every configured token is compared (no early exit), so timing does not tell which matched.
 *
 * @example app.get('/v1/timeline', requireReadToken({ tokens: new Map([['rt_demo', 'demo']]) }), handler)
 */
export function requireReadToken(options: { tokens: ReadonlyMap<string, string> }): MiddlewareHandler<ReadAuthEnv> {
  const tokens = [...options.tokens];
  return async function requireReadToken(c, next) {
    const bearer = parseBearer(c.req.header('authorization'));
    if ('reason' in bearer) return sendError(c, 401, 'unauthorized', bearer.reason, { headers: unauthorized });
    let project: string | undefined;
    for (const [token, p] of tokens) if (safeEqual(bearer.token, token) && project === undefined) project = p;
    if (project === undefined) return sendError(c, 403, 'forbidden', 'unknown read token');
    c.set('project', project);
    await next();
  };
}
