import { z } from 'zod';
import { LIMITS } from '../limits';
import { Interval, QueryRange, intParam, rangeParams } from './params';

/**
 * `GET /v1/query/errors` (read token): error groups, most frequent first. A group is the
 * error's `fingerprint`, or, without one, its type and message with numbers, IDs and
 * quoted values replaced by placeholders. Each group lists who it hit most recently.
 *
 * - `from`/`to`: default the last 7 days.
 * - `release`: only errors of this release.
 * - `limit`: groups returned (default 50, at most 500).
 * - `interval`: trend buckets (default: `hour` for ranges up to 2 days, else `day`).
 */
export const ErrorsQuery = z.strictObject({
  ...rangeParams,
  release: z.string().min(1).max(LIMITS.label).optional(),
  limit: intParam(1, 500).default(50),
  interval: Interval.optional(),
});

/** Most affected users an error group lists. */
export const MAX_AFFECTED_USERS = 20;

/** Someone an error group hit: a user, or an anonymous visitor where there is no user. */
export const AffectedUser = z.object({
  /** The `user_id`, or the `anon_id` when `anonymous`. */
  id: z.string(),
  anonymous: z.boolean(),
  /** Occurrences of the group for them within the range. */
  count: z.number().int(),
  last_seen: z.number(),
  /** The session of their latest occurrence ('' when it had none), for a timeline link. */
  session_id: z.string(),
});

export const ErrorGroup = z.object({
  /** The fingerprint, or `<type>: <normalized message>`. */
  key: z.string(),
  fingerprint: z.string(),
  error_type: z.string(),
  /** The most recent occurrence's message. */
  message: z.string(),
  count: z.number().int(),
  /** Distinct `user_id`, or `anon_id` where there is no user. */
  users: z.number().int(),
  /** Who it hit within the range, the most recently hit first, at most `MAX_AFFECTED_USERS`. */
  affected_users: z.array(AffectedUser),
  sessions: z.number().int(),
  /** First occurrence within the retention, epoch ms (not only within the range). */
  first_seen: z.number(),
  last_seen: z.number(),
  /** Releases it occurred in within the range, at most 10, newest first. */
  releases: z.array(z.string()),
  /** The most recent occurrence, for the stack and the timeline link. */
  sample: z.object({
    event_id: z.string(),
    ts: z.number(),
    message: z.string(),
    stack: z.string(),
    url: z.string(),
    session_id: z.string(),
    request_id: z.string(),
  }),
  /** Occurrences per bucket of the response's `buckets`. */
  trend: z.array(z.number().int()),
});

export const ErrorsResponse = QueryRange.extend({
  project: z.string(),
  interval: Interval,
  /** Bucket starts (epoch ms) of every group's `trend`. */
  buckets: z.array(z.number()),
  groups: z.array(ErrorGroup),
});

export type ErrorsQuery = z.infer<typeof ErrorsQuery>;
export type AffectedUser = z.infer<typeof AffectedUser>;
export type ErrorGroup = z.infer<typeof ErrorGroup>;
export type ErrorsResponse = z.infer<typeof ErrorsResponse>;
