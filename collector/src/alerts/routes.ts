import { Hono, type Context, type MiddlewareHandler } from 'hono';
import {
  AlertHistoryQuery, DeadLetterQuery, DeadLetterReplayRequest, describeIssues,
  type AlertsReloadResponse, type DeadLetterReplayResponse, type DeadLetterResponse,
} from '@lifeline/protocol';
import { parseBearer, requireReadToken, safeEqual, type ReadAuthEnv } from '../http/bearer-auth';
import { sendError } from '../http/errors';
import type { Alerting } from './create-alerting';

export interface AlertRoutesDeps {
  alerting: Alerting;
  /** Read token → project. */
  readTokens: ReadonlyMap<string, string>;
  /** `LIFELINE_ADMIN_TOKEN`; unset, reload and replay are refused with a reason saying how to enable them. */
  adminToken?: string | undefined;
}

/**
 * Requires the admin token. Reloading rules and replaying notifications act on every
 * project, which a read token (scoped to one project) must not be able to do.
 */
function requireAdmin(token: string | undefined): MiddlewareHandler {
  return async function requireAdmin(c, next) {
    if (!token) return sendError(c, 403, 'forbidden', 'admin actions are disabled: set LIFELINE_ADMIN_TOKEN on the collector');
    const bearer = parseBearer(c.req.header('authorization'));
    if ('reason' in bearer) return sendError(c, 401, 'unauthorized', bearer.reason, { headers: { 'WWW-Authenticate': 'Bearer' } });
    if (!safeEqual(bearer.token, token)) return sendError(c, 403, 'forbidden', 'wrong admin token');
    await next();
  };
}

function query(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.queries())) if (v[0] !== undefined) out[k] = v[0];
  return out;
}

/**
 * The alerting API: history and dead letters with a read token (the token's project
 * only), reload and replay with the admin token.
 *
 * @example app.route('/', createAlertRoutes({ alerting, readTokens, adminToken }))
 */
export function createAlertRoutes(deps: AlertRoutesDeps): Hono<ReadAuthEnv> {
  const { alerting } = deps;
  const app = new Hono<ReadAuthEnv>();
  const read = requireReadToken({ tokens: deps.readTokens });
  const admin = requireAdmin(deps.adminToken);

  app.get('/v1/alerts/history', read, async (c) => {
    const q = AlertHistoryQuery.safeParse(query(c));
    if (!q.success) return sendError(c, 400, 'invalid_query', describeIssues(q.error).reason, { issues: describeIssues(q.error).issues });
    return c.json(await alerting.history(c.get('project'), q.data.limit));
  });

  app.get('/v1/alerts/dead-letter', read, async (c) => {
    const q = DeadLetterQuery.safeParse(query(c));
    if (!q.success) return sendError(c, 400, 'invalid_query', describeIssues(q.error).reason, { issues: describeIssues(q.error).issues });
    const project = c.get('project');
    const body: DeadLetterResponse = { project, dead_letters: await alerting.deadLetters(project, q.data.status === 'all' ? undefined : q.data.status) };
    return c.json(body);
  });

  app.post('/v1/alerts/dead-letter/replay', admin, async (c) => {
    const text = await c.req.text();
    let raw: unknown = {};
    try {
      if (text.trim()) raw = JSON.parse(text);
    } catch {
      return sendError(c, 400, 'invalid_json', 'body is not JSON; send {} or {"ids":[…]}');
    }
    const req = DeadLetterReplayRequest.safeParse(raw);
    if (!req.success) return sendError(c, 400, 'invalid_query', describeIssues(req.error).reason, { issues: describeIssues(req.error).issues });
    const body: DeadLetterReplayResponse = await alerting.replay(req.data.ids);
    return c.json(body);
  });

  app.post('/v1/alerts/reload', admin, async (c) => {
    // Refused rules are an answer, not a failed request: `ok: false` says why, and the current rules stay.
    const body: AlertsReloadResponse = await alerting.reload();
    return c.json(body);
  });

  return app;
}
