/**
 * The clock guard. `ts` comes from the browser's clock, which can be anywhere: a machine
 * stuck in 1970, a phone set years ahead. Stored as is, such a row lands in a partition of
 * its own (`PARTITION BY toYYYYMM(ts)`) or is dropped at once by the TTL. An event whose
 * `ts` is more than a day after `received_at` (the edge's clock, or the collector's for
 * backend logs), or further before it than the retention, is stored at `received_at`
 * instead, with the client's value kept in `client_ts`.
 */

const DAY_MS = 86_400_000;

export interface ClockGuard {
  /** Largest accepted lead of `ts` over `received_at` (ms). */
  aheadMs: number;
  /** Largest accepted lag of `ts` behind `received_at` (ms): the retention. */
  behindMs: number;
}

/**
 * The guard for a retention.
 *
 * @example clockGuard(400) // { aheadMs: 86_400_000, behindMs: 400 × 86_400_000 }
 */
export function clockGuard(retentionDays: number): ClockGuard {
  return { aheadMs: DAY_MS, behindMs: retentionDays * DAY_MS };
}

/** The guard for the default retention (400 days). */
export const DEFAULT_CLOCK_GUARD: ClockGuard = clockGuard(400);

/** True when `ts` is too far from `receivedAt` to be trusted. */
export function clockIsOff(ts: number, receivedAt: number, guard: ClockGuard): boolean {
  return ts > receivedAt + guard.aheadMs || ts < receivedAt - guard.behindMs;
}
