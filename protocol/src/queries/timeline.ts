import { z } from 'zod';
import { LIMITS } from '../limits';
import { TimelineResponse } from '../timeline';
import { BoolParam, durationParam, intParam, rangeParams } from './params';

/** What a timeline can be looked up by; `auto` guesses from the ID's shape and what is stored. */
export const TIMELINE_BY = ['auto', 'request', 'session', 'user', 'order', 'trace'] as const;

/** Why an event is in a related timeline. */
export const TIMELINE_VIA = ['match', 'request', 'session', 'flag'] as const;

/**
 * `GET /v1/query/timeline` (read token): one request, session, user, order or trace with
 * what surrounds it, oldest first, each event once.
 *
 * - `id` (required), `by` (default `auto`: a 32-hex ID is a trace; otherwise the first of
 *   request, session, order, user, trace that has events).
 * - `related` (default true) widens the lookup: the backend logs of every request found;
 *   for a request or trace, the browser events of its sessions within `around` (default
 *   5m) of it; for an order or user, their whole sessions; and the project's flag
 *   changes in that time.
 * - `from`/`to`: default the last 30 days. `limit`: default 1000, at most 10000.
 *
 * The answer is a `TimelineResponse` plus how the lookup was resolved, so a client of
 * `GET /v1/timeline` reads it unchanged.
 */
export const QueryTimelineQuery = z.strictObject({
  id: z.string().min(1).max(LIMITS.id),
  by: z.enum(TIMELINE_BY).default('auto'),
  related: BoolParam.default(true),
  around: durationParam(0, 86_400_000).default(300_000),
  ...rangeParams,
  limit: intParam(1, 10_000).default(1000),
});

export const QueryTimelineResponse = TimelineResponse.extend({
  by: z.enum(TIMELINE_BY).exclude(['auto']),
  id: z.string(),
  from: z.number(),
  to: z.number(),
  /** Sessions and requests the timeline covers. */
  sessions: z.array(z.string()),
  request_ids: z.array(z.string()),
  /** event_id → why it is included (`match`: it carries the ID itself). */
  via: z.record(z.string(), z.enum(TIMELINE_VIA)),
  /** More events than `limit`; the oldest `limit` are shown. */
  truncated: z.boolean(),
});

export type TimelineBy = (typeof TIMELINE_BY)[number];
export type TimelineVia = (typeof TIMELINE_VIA)[number];
export type QueryTimelineQuery = z.infer<typeof QueryTimelineQuery>;
export type QueryTimelineResponse = z.infer<typeof QueryTimelineResponse>;

