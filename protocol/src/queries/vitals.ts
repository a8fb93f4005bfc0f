import { z } from 'zod';
import { VITAL_NAMES } from '../limits';
import { Interval, QueryRange, intParam, listParam, rangeParams } from './params';

/**
 * Upper bounds of `good` and `needs-improvement` per vital (web.dev); above the second is
 * `poor`. Shares are computed from these, so events without a `rating` count too.
 */
export const VITAL_THRESHOLDS = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
} as const;

/**
 * `GET /v1/query/vitals` (read token): web vitals overall, per page path and over time.
 *
 * - `from`/`to`: default the last 7 days. `interval`: series buckets (default by range).
 * - `names`: comma-separated subset of LCP, INP, CLS, FCP, TTFB (default all).
 * - `path`: only this path template (e.g. `/product/{id}`).
 * - `path_limit`: paths listed, most measured first (default 20, at most 200).
 */
export const VitalsQuery = z.strictObject({
  ...rangeParams,
  interval: Interval.optional(),
  names: listParam(z.enum(VITAL_NAMES), VITAL_NAMES.length).optional(),
  path: z.string().min(1).max(2048).optional(),
  path_limit: intParam(1, 200).default(20),
});

export const VitalSummary = z.object({
  name: z.enum(VITAL_NAMES),
  count: z.number().int(),
  /** 75th percentile, linear interpolation between closest ranks. */
  p75: z.number(),
  rating: z.enum(['good', 'needs-improvement', 'poor']),
  /** Shares of measurements in each rating, 0–1. */
  good: z.number(),
  needs_improvement: z.number(),
  poor: z.number(),
});

export const VitalsResponse = QueryRange.extend({
  project: z.string(),
  interval: Interval,
  overall: z.array(VitalSummary),
  by_path: z.array(z.object({ path: z.string(), vitals: z.array(VitalSummary) })),
  series: z.array(z.object({ t: z.number(), vitals: z.array(VitalSummary) })),
});

export type VitalsQuery = z.infer<typeof VitalsQuery>;
export type VitalSummary = z.infer<typeof VitalSummary>;
export type VitalsResponse = z.infer<typeof VitalsResponse>;
