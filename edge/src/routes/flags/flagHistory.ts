import type { Handler } from 'hono';
import { describeIssues, FlagHistoryQuery } from '@lifeline/protocol';
import type { AppEnv } from '../../env';
import { HttpError } from '../../errors';
import { flagsFor } from '../../flags/stub';

/**
 * `GET /v1/flags/history?limit=…` (ops token): the audit history, newest first; `limit`
 * 1–1000, 100 by default.
 *
 * @example app.get('/v1/flags/history', flagHistory())
 */
export function flagHistory(): Handler<AppEnv> {
  return async function flagHistory(c) {
    const parsed = FlagHistoryQuery.safeParse({ limit: c.req.query('limit') });
    if (!parsed.success) {
      const { reason, issues } = describeIssues(parsed.error);
      throw new HttpError(400, 'invalid_query', reason, { issues });
    }
    const { project } = c.var.ops;
    return c.json(await flagsFor(c.env, project).history(project, parsed.data.limit));
  };
}
