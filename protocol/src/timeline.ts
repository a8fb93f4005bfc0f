import { z } from 'zod';
import { LIMITS } from './limits';
import { nonEmpty } from './primitives';
import { StoredEvent } from './events';

/** The IDs a timeline can be looked up by. */
export const TIMELINE_KEYS = ['session_id', 'request_id', 'user_id', 'order_id', 'trace_id'] as const;

/** `GET /v1/timeline?<one of TIMELINE_KEYS>=…&limit=…` (read token). */
export const TimelineQuery = z
  .object({
    session_id: nonEmpty(LIMITS.id).optional(),
    request_id: nonEmpty(LIMITS.id).optional(),
    user_id: nonEmpty(LIMITS.id).optional(),
    order_id: nonEmpty(LIMITS.id).optional(),
    trace_id: nonEmpty(LIMITS.id).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  // A misspelt key (`sesion_id`) would otherwise be dropped and the lookup refused for
  // the wrong reason, or worse, run without a filter the caller meant to give.
  .strict()
  .refine((q) => TIMELINE_KEYS.filter((k) => q[k] !== undefined).length === 1, {
    message: `give exactly one of ${TIMELINE_KEYS.join(', ')}`,
  });

/** A timeline: the matching events, de-duplicated by `event_id`, oldest first. */
export const TimelineResponse = z.object({
  project: z.string(),
  events: z.array(StoredEvent),
});

export type TimelineKey = (typeof TIMELINE_KEYS)[number];
export type TimelineQuery = z.infer<typeof TimelineQuery>;
export type TimelineResponse = z.infer<typeof TimelineResponse>;
