import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { HttpError } from '../errors';
import { grantForToken } from '../ops/tokens';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="lifeline-ops"' };

/** The token of an `Authorization: Bearer <token>` header, or `undefined` when it is not one. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Guards the ops API with the tokens of `LIFELINE_OPS_TOKENS` and puts the caller's
 * `{ project, actor }` on `c.var.ops`.
 *
 * 401 `missing_token` when there is no well-formed bearer token; 403 `unknown_token` when
 * it matches no ops token (a public ingest key or the collector secret is not one, nor is
 * a token removed from the config); 403 `expired_token` when its `until` has passed;
 * 403 `wrong_project` when `?project=` names another project than the token's. Tokens are
 * never echoed nor logged. The ops routes carry no CORS headers, so pages on other
 * origins cannot call them.
 *
 * @example app.use('/v1/flags/*', opsAuth())
 */
export function opsAuth(): MiddlewareHandler<AppEnv> {
  return async function opsAuth(c, next) {
    const config = c.var.config;
    if (config.opsTokens.length === 0) {
      throw new HttpError(403, 'ops_disabled', 'the ops API is closed: LIFELINE_OPS_TOKENS is not set on this edge');
    }
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      throw new HttpError(401, 'missing_token', 'an ops token is required: `Authorization: Bearer <token>`', { headers: CHALLENGE });
    }
    const grant = await grantForToken(config, token);
    if (!grant) throw new HttpError(403, 'unknown_token', 'the ops token is not known to this edge');
    if (grant.until !== undefined && grant.until <= Date.now()) {
      throw new HttpError(403, 'expired_token', 'the ops token has expired; ask for a new one');
    }
    const asked = c.req.query('project');
    if (asked !== undefined && asked !== grant.project) {
      throw new HttpError(403, 'wrong_project', 'the ops token does not belong to the project asked for');
    }
    c.set('ops', { project: grant.project, actor: grant.actor });
    c.header('Cache-Control', 'no-store');
    await next();
  };
}
