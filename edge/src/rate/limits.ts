import type { Config, RateLimit } from '../config';
import { HttpError } from '../errors';
import { createTokenBuckets, type TokenBuckets } from './tokenBuckets';

/**
 * One set of buckets per parsed config and purpose. A config lives as long as its isolate
 * (see `loadConfig`), so in production this is per-isolate memory; tests with their own
 * vars get buckets of their own.
 */
export function bucketsPerConfig(select: (config: Config) => RateLimit | undefined) {
  const sets = new WeakMap<Config, TokenBuckets | null>();
  return function bucketsFor(config: Config): TokenBuckets | undefined {
    let found = sets.get(config);
    if (found === undefined) {
      const limit = select(config);
      found = limit ? createTokenBuckets(limit) : null;
      sets.set(config, found);
    }
    return found ?? undefined;
  };
}

/**
 * The 429 for a refused take. The SDK honours `Retry-After` (CORS exposes it), keeps the
 * events and sends them again, so a limited batch is delayed, not lost.
 */
export function rateLimited(reason: string, retryAfterSeconds: number): HttpError {
  return new HttpError(429, 'rate_limited', `${reason}; retry after ${retryAfterSeconds} s`, {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

const keyBuckets = bucketsPerConfig((config) => config.rateKey);

/**
 * Spends `events` tokens of `key`'s bucket (`LIFELINE_RATE_KEY`, events per second), or
 * throws 429 `rate_limited`. Checked after the key is known and before anything is
 * validated or forwarded, so a refused batch costs the collector nothing.
 *
 * @throws HttpError 429 with `Retry-After`
 */
export function limitKey(config: Config, key: string, events: number): void {
  const taken = keyBuckets(config)?.take(key, events);
  if (taken && !taken.ok) throw rateLimited('too many events for this ingest key', taken.retryAfterSeconds);
}
