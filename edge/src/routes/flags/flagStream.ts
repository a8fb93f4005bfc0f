import type { Handler } from 'hono';
import type { AppEnv } from '../../env';
import { flagsFor } from '../../flags/stub';
import { sseResponse } from '../sse';

/**
 * `GET /v1/flags/stream` (ops token): the same stream pages get, for `lifeline flags watch`,
 * so ops need no public key to watch their changes land.
 *
 * @example app.get('/v1/flags/stream', flagStream())
 */
export function flagStream(): Handler<AppEnv> {
  return async function flagStream(c) {
    const { project } = c.var.ops;
    return sseResponse(c, await flagsFor(c.env, project).stream(project));
  };
}
