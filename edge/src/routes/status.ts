import type { Handler } from 'hono';
import { PROTOCOL_VERSION, type StatusResponse } from '@lifeline/protocol';
import type { Config } from '../config';
import type { AppEnv } from '../env';
import { staticFlags, type FlagSource } from '../flags';
import { requireProject } from '../keys';

export interface StatusOptions {
  /** Where flags come from. @default staticFlags */
  flagSource?: (config: Config) => FlagSource;
  /** Seconds browsers and caches may reuse an answer. @default 5 */
  maxAge?: number;
}

/**
 * `GET /v1/status?key=…`: the flags of the key's project. Public and briefly cacheable so
 * thousands of pages polling it cost little; 401/403 for a missing/unknown key.
 *
 * @example app.get('/v1/status', status())
 */
export function status(options: StatusOptions = {}): Handler<AppEnv> {
  const flagSource = options.flagSource ?? staticFlags;
  const cacheControl = `public, max-age=${options.maxAge ?? 5}`;

  return async function status(c) {
    const config = c.var.config;
    const project = await requireProject(config, c.req.query('key'));
    const { version, flags, updated_at } = await flagSource(config).read(project);
    const body: StatusResponse = { v: PROTOCOL_VERSION, project, version, flags, updated_at };
    return c.json(body, 200, { 'Cache-Control': cacheControl });
  };
}
