import type { Handler } from 'hono';
import { TIMELINE_KEYS, TimelineQuery, describeIssues, type StoredEvent, type TimelineResponse } from '@lifeline/protocol';
import type { TimelineLookup } from '../query/timeline';
import type { ReadAuthEnv } from '../http/bearer-auth';
import { sendError } from '../http/errors';

export interface TimelineRouteOptions {
  timeline: (lookup: TimelineLookup) => Promise<StoredEvent[]>;
}

/**
 * `GET /v1/timeline?<session_id|request_id|user_id|order_id|trace_id>=…&limit=…`: every
 * event of the token's project with that ID, oldest first, each once.
 */
export function timelineRoute(options: TimelineRouteOptions): Handler<ReadAuthEnv> {
  return async function getTimeline(c) {
    // Read from the URL itself into a prototype-free map, so that every key the caller
    // sent, `__proto__` included, reaches validation and an unknown one is refused.
    const params: Record<string, string> = Object.create(null);
    for (const [key, value] of new URL(c.req.url).searchParams) {
      // `?session_id=a&session_id=b` is ambiguous: refuse it rather than pick one.
      if (key in params) return sendError(c, 400, 'invalid_query', `${key}: give it once`);
      params[key] = value;
    }
    const parsed = TimelineQuery.safeParse(params);
    if (!parsed.success) {
      const { reason, issues } = describeIssues(parsed.error);
      return sendError(c, 400, 'invalid_query', reason, { issues });
    }
    const q = parsed.data;
    const key = TIMELINE_KEYS.find((k) => q[k] !== undefined)!;
    const project = c.get('project');
    const events = await options.timeline({ project, key, id: q[key]!, limit: q.limit });
    const body: TimelineResponse = { project, events };
    return c.json(body, 200);
  };
}
