import { z } from 'zod';
import { FunnelStep, stepsParam } from './funnel-steps';
import { BoolParam, QUERY_LIMITS, QueryRange, durationParam, intParam, rangeParams } from './params';

/** What a funnel counts: sessions, identified users (`user_id`) or browsers (`anon_id`). */
export const FUNNEL_BY = ['session', 'user', 'anon'] as const;

/**
 * Dimensions a funnel (and other queries) can be broken down by: browser family, OS and
 * device type parsed from the user agent, country, release, and the page path (IDs
 * collapsed into placeholders).
 */
export const BREAKDOWNS = ['browser', 'os', 'device', 'country', 'release', 'path'] as const;

/**
 * `GET /v1/query/funnel` (read token).
 *
 * - `steps` (required): see `parseFunnelSteps`.
 * - `from`/`to`: when the first step happened (default the last 7 days); later steps may
 *   follow up to `window` after `to`.
 * - `window`: conversion window from the first step (default `1d`, at most `90d`).
 * - `by`: `session` (default), `user` or `anon`.
 * - `order`: `sequential` (default: other events may come between steps) or `strict`
 *   (the next tracked event must be the next step).
 * - `breakdown`: one of `BREAKDOWNS`, read from each entity's first step; `breakdown_limit`
 *   values are listed (default 10), the rest summed as `(other)`.
 * - `compare=true`: also the previous period of the same length.
 */
export const FunnelQuery = z.strictObject({
  steps: stepsParam(QUERY_LIMITS.maxSteps),
  ...rangeParams,
  window: durationParam(1000, QUERY_LIMITS.maxWindowDays * 86_400_000).default(86_400_000),
  by: z.enum(FUNNEL_BY).default('session'),
  order: z.enum(['sequential', 'strict']).default('sequential'),
  breakdown: z.enum(BREAKDOWNS).optional(),
  breakdown_limit: intParam(1, 50).default(10),
  compare: BoolParam.default(false),
});

export const FunnelStepResult = z.object({
  /** 1-based position. */
  step: z.number().int(),
  event: z.string(),
  label: z.string(),
  /** Entities that reached this step (in order, within the window). */
  count: z.number().int(),
  /** count / count of step 1 (1 for step 1; 0 when nobody entered). */
  conversion_from_first: z.number(),
  /** count / count of the previous step (1 for step 1). */
  conversion_from_previous: z.number(),
  /** Entities that reached the previous step but not this one (0 for step 1). */
  drop_off: z.number().int(),
  /** drop_off / count of the previous step. */
  drop_off_rate: z.number(),
});

export const FunnelResult = z.object({
  steps: z.array(FunnelStepResult),
  /** Entities that did step 1. */
  entered: z.number().int(),
  /** Entities that did every step. */
  completed: z.number().int(),
  /** completed / entered. */
  conversion: z.number(),
});

export const FunnelBreakdownValue = FunnelResult.extend({ value: z.string() });

export const FunnelPeriod = QueryRange.extend({
  total: FunnelResult,
  breakdown: z.array(FunnelBreakdownValue).optional(),
});

export const FunnelResponse = FunnelPeriod.extend({
  project: z.string(),
  by: z.enum(FUNNEL_BY),
  order: z.enum(['sequential', 'strict']),
  window_ms: z.number(),
  steps: z.array(FunnelStep),
  breakdown_by: z.enum(BREAKDOWNS).optional(),
  /** The previous period of the same length, when `compare=true`. */
  previous: FunnelPeriod.optional(),
});

export type Breakdown = (typeof BREAKDOWNS)[number];
export type FunnelQuery = z.infer<typeof FunnelQuery>;
export type FunnelStepResult = z.infer<typeof FunnelStepResult>;
export type FunnelResult = z.infer<typeof FunnelResult>;
export type FunnelPeriod = z.infer<typeof FunnelPeriod>;
export type FunnelResponse = z.infer<typeof FunnelResponse>;
