import { z } from 'zod';
import { QueryRange, intParam, rangeParams } from './params';

/**
 * `GET /v1/query/red` (read token): rate, errors and duration per endpoint, from the
 * browser's network calls and from backend logs that carry `status` and `duration_ms`
 * (with `method` and `path`) in their props. Endpoints are method + path template: IDs
 * such as `FT-123456`, UUIDs, long hex and numbers become `{id}`, `{uuid}`, `{hex}`, `{n}`.
 *
 * - `from`/`to`: default the last 7 days.
 * - `source`: `browser`, `backend` or `all` (default; one row per endpoint and source).
 * - `path`: only endpoints whose template contains this text.
 * - `limit`: endpoints, busiest first (default 50, at most 500).
 */
export const RedQuery = z.strictObject({
  ...rangeParams,
  source: z.enum(['browser', 'backend', 'all']).default('all'),
  path: z.string().min(1).max(2048).optional(),
  limit: intParam(1, 500).default(50),
});

export const RedEndpoint = z.object({
  source: z.enum(['browser', 'backend']),
  method: z.string(),
  path: z.string(),
  requests: z.number().int(),
  /** Requests per minute over the range. */
  rate_per_min: z.number(),
  /** Status ≥ 500, or 0 (no response). */
  errors: z.number().int(),
  error_rate: z.number(),
  /** Duration percentiles in ms, linear interpolation between closest ranks. */
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
});

export const RedResponse = QueryRange.extend({
  project: z.string(),
  endpoints: z.array(RedEndpoint),
});

export type RedQuery = z.infer<typeof RedQuery>;
export type RedEndpoint = z.infer<typeof RedEndpoint>;
export type RedResponse = z.infer<typeof RedResponse>;
