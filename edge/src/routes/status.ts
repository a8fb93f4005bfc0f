import type { Handler } from 'hono';
import type { AppEnv } from '../env';
import { etagMatches } from '../etag';
import { defaultCache, statusCache, type CachedStatus } from '../flags/statusCache';
import { flagsFor } from '../flags/stub';
import { requireProject } from '../keys';

export interface StatusOptions {
  /**
   * Seconds browsers and proxies may reuse an answer. Short on purpose: a poll may lag a
   * flip by at most this much, and open pages hear flips on the stream at once anyway.
   * @default 2
   */
  maxAge?: number;
  /** The location's cache in front of the Durable Object. @default caches.default */
  cache?: () => Cache | undefined;
}

/**
 * `GET /v1/status?key=…`: the `StatusResponse` of the key's project, from the location's
 * short cache or else the project's Durable Object. Public and briefly cacheable;
 * `ETag` is `"<project>-<version>"`, so a revalidation with `If-None-Match` costs a 304
 * without a body. 401/403 for a missing/unknown key (not cacheable).
 *
 * @example app.get('/v1/status', status())
 */
export function status(options: StatusOptions = {}): Handler<AppEnv> {
  const cacheControl = `public, max-age=${options.maxAge ?? 2}`;
  const cacheOf = options.cache ?? defaultCache;

  return async function status(c) {
    const project = await requireProject(c.var.config, c.req.query('key'));
    const cache = statusCache(cacheOf());
    let answer: CachedStatus | undefined = await cache.get(project);
    if (!answer) {
      const snapshot = await flagsFor(c.env, project).status(project);
      answer = { etag: `"${project}-${snapshot.version}"`, body: snapshot.body, ...(snapshot.expiresAt !== undefined ? { expiresAt: snapshot.expiresAt } : {}) };
      await cache.put(project, answer);
    }
    const headers = { 'Cache-Control': cacheControl, ETag: answer.etag };
    if (etagMatches(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304, headers);
    return c.body(answer.body, 200, { ...headers, 'Content-Type': 'application/json' });
  };
}
