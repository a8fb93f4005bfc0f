import { log } from '../log';

/** How long a location reuses a status answer before asking the project's Durable Object again. */
export const EDGE_CACHE_SECONDS = 1;

/** A status answer as served: its ETag, its JSON body, and when its earliest flag expires. */
export interface CachedStatus {
  etag: string;
  body: string;
  /** The earliest `until` among its flags; past it the copy must not be served. */
  expiresAt?: number;
}

const EXPIRES_HEADER = 'X-Lifeline-Expires-At';

/** The cache key of a project's status: a URL of our own, never fetched. */
function keyOf(project: string): Request {
  return new Request(`https://status.lifeline.internal/${encodeURIComponent(project)}`);
}

/**
 * The short cache in front of the flags' Durable Objects: each location keeps a project's
 * status answer for `EDGE_CACHE_SECONDS` (Cloudflare's Cache API is per data center), so
 * however many pages load, a location asks the project's object about once a second.
 * A change forgets the copy in the location that made it; elsewhere a copy lives out its
 * second. Open pages do not depend on this: they hear changes on the stream. A copy is
 * never served past the `until` of one of its flags, so an expired flag is never reported.
 * Cache failures are logged and treated as misses: the object can always answer.
 *
 * @example const cache = statusCache(caches.default); const hit = await cache.get('demo')
 */
export function statusCache(cache: Cache | undefined, now: () => number = Date.now) {
  return {
    async get(project: string): Promise<CachedStatus | undefined> {
      if (!cache) return undefined;
      try {
        const hit = await cache.match(keyOf(project));
        if (!hit) return undefined;
        const expires = hit.headers.get(EXPIRES_HEADER);
        const expiresAt = expires === null ? undefined : Number(expires);
        if (expiresAt !== undefined && expiresAt <= now()) {
          await hit.body?.cancel();
          return undefined;
        }
        const etag = hit.headers.get('ETag') ?? '';
        return { etag, body: await hit.text(), ...(expiresAt !== undefined ? { expiresAt } : {}) };
      } catch (err) {
        log('warn', 'status cache read failed', { message: (err as Error).message });
        return undefined;
      }
    },

    async put(project: string, status: CachedStatus): Promise<void> {
      if (!cache) return;
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'Cache-Control': `public, max-age=${EDGE_CACHE_SECONDS}`,
        ETag: status.etag,
      };
      if (status.expiresAt !== undefined) headers[EXPIRES_HEADER] = String(status.expiresAt);
      try {
        await cache.put(keyOf(project), new Response(status.body, { headers }));
      } catch (err) {
        log('warn', 'status cache write failed', { message: (err as Error).message });
      }
    },

    async forget(project: string): Promise<void> {
      if (!cache) return;
      try {
        await cache.delete(keyOf(project));
      } catch (err) {
        log('warn', 'status cache delete failed', { message: (err as Error).message });
      }
    },
  };
}

/** The runtime's default cache, where there is one (workerd has it; other hosts may not). */
export function defaultCache(): Cache | undefined {
  return (globalThis as { caches?: { default?: Cache } }).caches?.default;
}
