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
    const params: Record<string, string> = {};
    for (const [key, values] of Object.entries(c.req.queries())) {
      // `?session_id=a&session_id=b` is ambiguous: refuse it rather than pick one.
      if (values.length > 1) return sendError(c, 400, 'invalid_query', `${key}: give it once`);
      if (values[0] !== undefined) params[key] = values[0];
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
