import { z } from 'zod';
import { LIMITS } from './limits';
import { featureName, nonEmpty } from './primitives';
import { Flag, StatusResponse } from './flags';

/**
 * `PUT /v1/flags/:feature` and `DELETE /v1/flags/:feature` (ops token): the flag as it now
 * stands. `changed` is false when the request asked for what was already in place; then
 * `version` did not move and nothing was recorded.
 */
export const FlagChangeResponse = z.object({
  project: z.string(),
  feature: featureName,
  flag: Flag,
  previous: Flag,
  version: z.number().int().nonnegative(),
  changed: z.boolean(),
  /**
   * The request ID put on the change's `flag` event (the caller's `X-Request-Id`, or one
   * the edge made), so the collector's timeline finds the flip by it. Absent when nothing changed.
   */
  request_id: nonEmpty(LIMITS.id).optional(),
});

/**
 * `GET /v1/flags` (ops token): the project's status, how many status streams (open pages)
 * are connected to it right now, and how many flag events still wait for the collector.
 */
export const FlagsResponse = StatusResponse.extend({
  listeners: z.number().int().nonnegative(),
  /** `flag` events not yet acknowledged by the collector (or the queue); 0 when all arrived. */
  pending_events: z.number().int().nonnegative(),
});

/** Most audit entries a project keeps, and so the largest `limit` a history request may ask for. */
export const FLAG_HISTORY_MAX = 1000;

/** `GET /v1/flags/history?limit=…`: how many entries, newest first. */
export const FlagHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(FLAG_HISTORY_MAX).default(100),
});

export type FlagChangeResponse = z.infer<typeof FlagChangeResponse>;
export type FlagsResponse = z.infer<typeof FlagsResponse>;
export type FlagHistoryQuery = z.infer<typeof FlagHistoryQuery>;
