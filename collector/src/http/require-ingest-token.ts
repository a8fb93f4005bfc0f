import type { Context, MiddlewareHandler } from 'hono';
import { parseBearer, safeEqual } from './bearer-auth';
import { sendError } from './errors';

/** What the ingest-token middleware leaves on the context. */
export type IngestAuthEnv = { Variables: { project: string } };

/**
 * Requires `Authorization: Bearer <ingest token>` (`LIFELINE_INGEST_TOKENS`) and sets
 * `project` to the project the backend's logs are stored under: 401 when missing or
 * malformed, 403 when unknown. Every configured token is compared, so timing does not
 * tell which one matched. `onRefused` may shape the error body (OTLP wants its own).
 *
 * @example app.post('/v1/logs', requireIngestToken({ tokens: config.ingestTokens }), handler)
 */
export function requireIngestToken(options: {
  tokens: ReadonlyMap<string, string>;
  onRefused?: (c: Context, status: 401 | 403, reason: string) => Response;
}): MiddlewareHandler<IngestAuthEnv> {
  const tokens = [...options.tokens];
  const refuse =
    options.onRefused ??
    ((c: Context, status: 401 | 403, reason: string) =>
      status === 401
        ? sendError(c, 401, 'unauthorized', reason, { headers: { 'WWW-Authenticate': 'Bearer' } })
        : sendError(c, 403, 'forbidden', reason));
  return async function requireIngestToken(c, next) {
    const bearer = parseBearer(c.req.header('authorization'));
    if ('reason' in bearer) return refuse(c, 401, bearer.reason);
    let project: string | undefined;
    for (const [token, p] of tokens) if (safeEqual(bearer.token, token) && project === undefined) project = p;
    if (project === undefined) {
      return refuse(c, 403, tokens.length === 0 ? 'no ingest tokens are configured (LIFELINE_INGEST_TOKENS)' : 'unknown ingest token');
    }
    c.set('project', project);
    await next();
  };
}
