import type { RateLimit } from '../config';

/** The answer to `take`: allowed, or refused with the seconds until it would be allowed. */
export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface TokenBucketsOptions extends RateLimit {
  /** Most buckets kept; the least recently used go first (a forgotten bucket is a full one). @default 10000 */
  maxBuckets?: number;
  /** @default Date.now */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by id, in this isolate's memory: each refills at `perSecond` up to `burst`,
 * and `take(id, cost)` spends `cost` tokens or refuses with the wait until it could.
 * Memory is bounded by `maxBuckets`; evicting the least recently used bucket only ever
 * lets its owner through sooner, never later.
 *
 * @example const buckets = createTokenBuckets({ perSecond: 20, burst: 200 }); buckets.take('client-a')
 */
export function createTokenBuckets(options: TokenBucketsOptions) {
  const { perSecond, burst, maxBuckets = 10_000, now = Date.now } = options;
  const buckets = new Map<string, Bucket>();

  return {
    take(id: string, cost = 1): Take {
      const at = now();
      const found = buckets.get(id);
      const bucket = found ?? { tokens: burst, at };
      bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
      bucket.at = at;
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      buckets.delete(id);
      buckets.set(id, bucket);
      if (!found && buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value!);

      const spend = Math.min(cost, burst);
      if (bucket.tokens >= spend) {
        bucket.tokens -= spend;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((spend - bucket.tokens) / perSecond)) };
    },
    get size(): number {
      return buckets.size;
    },
  };
}

export type TokenBuckets = ReturnType<typeof createTokenBuckets>;
