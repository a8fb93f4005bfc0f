import { z } from 'zod';
import { METRICS, metricEventParams } from './metrics';
import { BoolParam, QUERY_LIMITS, QueryRange, intParam, listParam, numberParam, rangeParams } from './params';

/** A metric anomalies are looked for in: one of `METRICS`, or `event:<name>` for a `track` event's count. */
export const AnomalyMetric = z.union([z.enum(METRICS), z.string().regex(/^event:.{1,200}$/, 'expected a metric or event:<name>')]);

/**
 * `GET /v1/query/anomalies` (read token): hours where a metric left its seasonal
 * baseline, merged into anomalies, each with the likely causes.
 *
 * - `from`/`to`: default the last 7 days, at most 31 days.
 * - `metrics`: comma-separated (default every one of `METRICS`); `event:<name>` counts a
 *   `track` event.
 * - `weeks`: baseline weeks (default 4): an hour is compared with the same hour of the
 *   week in each of them.
 * - `threshold`: the robust z-score an hour must reach (default 3.5).
 * - `min_change`: the relative change it must reach too (default 0.2 = 20 %).
 * - `causes=false` skips the causes; `cause_limit` (default 5) caps them per anomaly.
 * - `purchase_event`, `signup_event`, `revenue_prop`: as for metrics.
 */
export const AnomaliesQuery = z.strictObject({
  ...rangeParams,
  metrics: listParam(AnomalyMetric, 30).optional(),
  weeks: intParam(1, QUERY_LIMITS.maxWeeks).default(4),
  threshold: numberParam(1, 100).default(3.5),
  min_change: numberParam(0, 10).default(0.2),
  causes: BoolParam.default(true),
  cause_limit: intParam(1, 20).default(5),
  purchase_event: metricEventParams.purchase_event,
  signup_event: metricEventParams.signup_event,
  revenue_prop: metricEventParams.revenue_prop,
});

export const SEVERITIES = ['low', 'medium', 'high'] as const;

export const AnomalyHour = z.object({
  /** Hour start, epoch ms. */
  t: z.number(),
  observed: z.number(),
  /** Median of the same hour in the baseline weeks. */
  expected: z.number(),
  /** (observed − expected) / robust spread of the baseline. */
  z: z.number(),
  /** The baseline values, most recent week first. */
  baseline: z.array(z.number()),
});

/** Shared by every cause: what kind, how likely (0–1), and one readable sentence. */
const causeBase = { score: z.number(), summary: z.string() };

/** An error group (by fingerprint) that occurred more in the window than in the baseline. */
export const ErrorGroupCause = z.object({
  ...causeBase,
  kind: z.literal('error_group'),
  key: z.string(),
  message: z.string(),
  observed: z.number(),
  expected: z.number(),
  sessions: z.number(),
  sample_session_id: z.string().optional(),
  sample_request_id: z.string().optional(),
});

/** An endpoint (method + path template) failing more: status ≥ 500 or 0, or backend error logs. */
export const EndpointCause = z.object({
  ...causeBase,
  kind: z.literal('endpoint'),
  method: z.string(),
  path: z.string(),
  /** Failed requests in the window. */
  observed: z.number(),
  /** Median failed requests in the baseline windows. */
  expected: z.number(),
  requests: z.number(),
  failure_rate: z.number(),
  baseline_failure_rate: z.number(),
  statuses: z.array(z.number()),
  sample_request_id: z.string().optional(),
});

/** A flag change shortly before or during the window. */
export const FlagCause = z.object({
  ...causeBase,
  kind: z.literal('flag'),
  feature: z.string(),
  from_state: z.string(),
  state: z.string(),
  at: z.number(),
  actor: z.string().optional(),
  message: z.string().optional(),
});

/** Fallbacks shown (degrade events) more than in the baseline. */
export const DegradeCause = z.object({
  ...causeBase,
  kind: z.literal('degrade'),
  feature: z.string(),
  state: z.string(),
  reason: z.string(),
  observed: z.number(),
  expected: z.number(),
  sessions: z.number(),
});

/** A release first seen shortly before or during the window. */
export const ReleaseCause = z.object({
  ...causeBase,
  kind: z.literal('release'),
  release: z.string(),
  first_seen: z.number(),
  sessions: z.number(),
});

/** The browser family or country whose metric moved most out of proportion. */
export const SegmentCause = z.object({
  ...causeBase,
  kind: z.literal('segment'),
  dimension: z.enum(['browser', 'country']),
  value: z.string(),
  observed: z.number(),
  expected: z.number(),
  change: z.number(),
  /** This value's part of the metric's whole change. */
  share_of_change: z.number(),
  /** This value's part of the metric in the baseline. */
  share_of_baseline: z.number(),
});

export const AnomalyCause = z.discriminatedUnion('kind', [
  ErrorGroupCause,
  EndpointCause,
  FlagCause,
  DegradeCause,
  ReleaseCause,
  SegmentCause,
]);

export const Anomaly = z.object({
  metric: z.string(),
  direction: z.enum(['drop', 'spike']),
  /** First anomalous hour, epoch ms. */
  start: z.number(),
  /** End of the last anomalous hour (exclusive), epoch ms. */
  end: z.number(),
  /** Summed over the hours (for conversion_rate: the rate over the whole window). */
  observed: z.number(),
  expected: z.number(),
  /** (observed − expected) / expected. */
  change: z.number(),
  /** Largest |z| of its hours. */
  score: z.number(),
  severity: z.enum(SEVERITIES),
  hours: z.array(AnomalyHour),
  /** Most likely first. */
  causes: z.array(AnomalyCause),
});

export const AnomaliesResponse = QueryRange.extend({
  project: z.string(),
  weeks: z.number().int(),
  metrics: z.array(z.string()),
  /** Hours that had too little baseline (store newer than the weeks asked for) and were not judged. */
  hours_without_baseline: z.number().int(),
  /** Most severe first. */
  anomalies: z.array(Anomaly),
});

export type AnomalyMetric = z.infer<typeof AnomalyMetric>;
export type AnomaliesQuery = z.infer<typeof AnomaliesQuery>;
export type Severity = (typeof SEVERITIES)[number];
export type AnomalyHour = z.infer<typeof AnomalyHour>;
export type AnomalyCause = z.infer<typeof AnomalyCause>;
export type Anomaly = z.infer<typeof Anomaly>;
export type AnomaliesResponse = z.infer<typeof AnomaliesResponse>;
