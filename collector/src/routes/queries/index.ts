import { Hono } from 'hono';
import { describeIssues } from '@lifeline/protocol';
import { requireReadToken, type ReadAuthEnv } from '../../http/bearer-auth';
import { sendError } from '../../http/errors';
import { QUERY_NAMES, QUERY_SCHEMAS, runQuery } from '../../query/queries';
import { QueryParamError } from '../../query/range';
import type { QueryService } from '../../query/service';

export interface QueryRoutesDeps {
  /** Read token → the one project it may read. */
  readTokens: ReadonlyMap<string, string>;
  queries: QueryService;
  /** Whether the schema is migrated; until then queries answer 503. @default always */
  ready?: () => boolean;
}

/**
 * The query API as a Hono sub-app, mounted at `/v1/query`: `GET /<name>?<params>` for each
 * of funnel, metrics, anomalies, errors, search, vitals, red and timeline. Every route
 * needs a read token (401 without, 403 with an unknown one) and answers for its project
 * only; parameters are validated with the protocol's schemas (400 `invalid_query` naming
 * each problem; a parameter given twice or one the query does not take is a problem too).
 *
 * @example app.route('/v1/query', createQueryRoutes({ readTokens, queries: createQueryService(storage) }))
 */
export function createQueryRoutes(deps: QueryRoutesDeps): Hono<ReadAuthEnv> {
  const app = new Hono<ReadAuthEnv>();
  const ready = deps.ready ?? (() => true);
  app.use('*', requireReadToken({ tokens: deps.readTokens }));
  for (const name of QUERY_NAMES) {
    app.get(`/${name}`, async function query(c) {
      // A ClickHouse server unreachable at start is migrated once it answers; the roll-up
      // the queries read may not exist before that.
      if (!ready()) return sendError(c, 503, 'unavailable', 'storage is not ready yet; retry shortly', { headers: { 'Retry-After': '5' } });
      const params: Record<string, string> = {};
      for (const [key, values] of Object.entries(c.req.queries())) {
        if (values.length > 1) return sendError(c, 400, 'invalid_query', `${key}: give it once`, { issues: [{ path: key, message: 'given more than once' }] });
        if (values[0] !== undefined) params[key] = values[0];
      }
      const parsed = QUERY_SCHEMAS[name].safeParse(params);
      if (!parsed.success) {
        const { reason, issues } = describeIssues(parsed.error);
        return sendError(c, 400, 'invalid_query', reason, { issues });
      }
      try {
        return c.json(await runQuery(deps.queries, name, c.get('project'), parsed.data), 200);
      } catch (err) {
        if (err instanceof QueryParamError) {
          return sendError(c, 400, 'invalid_query', err.message, { issues: [{ path: err.path, message: err.message.slice(err.path.length + 2) }] });
        }
        throw err;
      }
    });
  }
  return app;
}
