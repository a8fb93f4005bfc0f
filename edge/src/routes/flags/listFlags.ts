import type { Handler } from 'hono';
import type { AppEnv } from '../../env';
import { flagsFor } from '../../flags/stub';

/**
 * `GET /v1/flags` (ops token): the project's flags as pages see them, plus `listeners`,
 * the number of status streams open right now. Never cached.
 *
 * @example app.get('/v1/flags', listFlags())
 */
export function listFlags(): Handler<AppEnv> {
  return async function listFlags(c) {
    const { project } = c.var.ops;
    return c.json(await flagsFor(c.env, project).list(project));
  };
}
