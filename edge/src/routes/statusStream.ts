import type { Handler } from 'hono';
import type { AppEnv } from '../env';
import { flagsFor } from '../flags/stub';
import { requireProject } from '../keys';
import { sseResponse } from './sse';

/**
 * `GET /v1/status/stream?key=…`: Server-Sent Events from the project's Durable Object.
 * The first message (`event: status`) is the current `StatusResponse`, then one per
 * change, with a `: ping` comment every 15 s. Public and CORS-open like `/v1/status`.
 *
 * @example app.get('/v1/status/stream', statusStream())
 */
export function statusStream(): Handler<AppEnv> {
  return async function statusStream(c) {
    const project = await requireProject(c.var.config, c.req.query('key'));
    return sseResponse(c, await flagsFor(c.env, project).stream(project));
  };
}
