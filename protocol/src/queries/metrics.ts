import { z } from 'zod';
import { EventNameParam, Interval, PropKeyParam, QUERY_LIMITS, QueryRange, listParam, rangeParams } from './params';

/**
 * The business metrics. `visits`: distinct sessions with a pageview; `orders`: purchase
 * events; `revenue`: the sum of their revenue property; `registrations`: sign-up events;
 * `conversion_rate`: sessions with a purchase / sessions seen (both within the bucket);
 * `errors`: error events.
 */
export const METRICS = ['visits', 'orders', 'revenue', 'registrations', 'conversion_rate', 'errors'] as const;

/**
 * The event names the metrics read, so a store whose script says `order_completed` or
 * `signup` can map its own: `purchase_event`, `signup_event`, `revenue_prop`.
 */
export const METRIC_EVENTS = { purchase_event: 'purchase', signup_event: 'sign_up', revenue_prop: 'revenue' } as const;

export const metricEventParams = {
  purchase_event: EventNameParam.default(METRIC_EVENTS.purchase_event),
  signup_event: EventNameParam.default(METRIC_EVENTS.signup_event),
  revenue_prop: PropKeyParam.default(METRIC_EVENTS.revenue_prop),
  /** Extra `track` event names to count, comma-separated; each becomes `event:<name>`. */
  events: listParam(EventNameParam, QUERY_LIMITS.maxEvents).optional(),
};

/** An IANA time zone name the runtime knows (aliases such as Asia/Kolkata included). */
const isTimeZone = (tz: string) => {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * `GET /v1/query/metrics` (read token): the metrics per hour or day.
 *
 * - `from`/`to`: default the last 7 days.
 * - `interval`: `hour` or `day` (default: `hour` for ranges up to 2 days, else `day`).
 * - `tz`: IANA time zone the buckets start in (default `UTC`).
 * - `purchase_event`, `signup_event`, `revenue_prop`, `events`: see `METRIC_EVENTS`.
 */
export const MetricsQuery = z.strictObject({
  ...rangeParams,
  interval: Interval.optional(),
  // Spelled as the runtime spells it (`utc` → `UTC`, `europe/paris` → `Europe/Paris`):
  // ClickHouse knows zones by their exact names only.
  tz: z
    .string()
    .max(64)
    .refine(isTimeZone, { message: 'unknown IANA time zone' })
    .transform((tz) => new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone)
    .default('UTC'),
  ...metricEventParams,
});

export const MetricValues = z.object({
  visits: z.number().int(),
  orders: z.number().int(),
  revenue: z.number(),
  registrations: z.number().int(),
  /** Sessions with a purchase. */
  converted: z.number().int(),
  conversion_rate: z.number(),
  errors: z.number().int(),
  /** Counts of the `events` asked for, by name. */
  events: z.record(z.string(), z.number().int()),
});

export const MetricPoint = MetricValues.extend({
  /** Bucket start, epoch ms. */
  t: z.number(),
});

export const MetricsResponse = QueryRange.extend({
  project: z.string(),
  interval: Interval,
  tz: z.string(),
  /** One point per bucket from `from` to `to`, empty buckets included. */
  points: z.array(MetricPoint),
  /** The whole range (visits and conversion over the range, not summed per bucket). */
  totals: MetricValues,
});

export type MetricName = (typeof METRICS)[number];
export type MetricsQuery = z.infer<typeof MetricsQuery>;
export type MetricValues = z.infer<typeof MetricValues>;
export type MetricPoint = z.infer<typeof MetricPoint>;
export type MetricsResponse = z.infer<typeof MetricsResponse>;
