import { callRows } from '../../sql/endpoint';
import { pathTemplate } from '../../sql/url-path';
import { expectedOf, riseScore, round2, windowSql } from './context';
import { byKey, type CauseFinder } from './finder';

/**
 * Endpoints (method + path template) with more failed requests than in the baseline. A
 * request counts once however many rows tell of it: its network event, its `response …`
 * log, its error logs (which name no endpoint and are tied to it by request ID).
 */
export const endpointCauses: CauseFinder = {
  sql(ctx, p) {
    const win = windowSql(ctx.windows, p);
    const where = `project = ${p.add('String', ctx.project)} AND ${win.where}`;
    return `SELECT toInt32(w) AS w, [method, path, sample, arrayStringConcat(statuses, ',')] AS k,
        [toFloat64(failures), toFloat64(requests)] AS v
      FROM (
        SELECT w, req_method AS method, ${pathTemplate('req_path')} AS path, count() AS requests, countIf(req_failed) AS failures,
          arraySort(groupUniqArrayIf(10)(req_status, req_failed)) AS statuses, anyIf(req, req_failed) AS sample
        FROM (
          SELECT ${win.index} AS w, if(request_id != '', request_id, toString(event_id)) AS req,
            anyIf(method, path != '') AS req_method, anyIf(path, path != '') AS req_path,
            max(failed) AS req_failed, maxIf(status, path != '') AS req_status
          FROM (${callRows(ctx.storage.database, where)})
          GROUP BY w, req
        )
        WHERE req_path != ''
        GROUP BY w, method, path
      )`;
  },
  read(rows, ctx) {
    const requests = byKey(rows, 2, 1);
    return [...byKey(rows, 2)].flatMap(([id, g]) => {
      if (!g.row) return [];
      const observed = g.counts.get(0) ?? 0;
      const expected = expectedOf(g.counts, ctx.windows.length);
      const score = riseScore(observed, expected);
      if (score <= 0) return [];
      const [method = '', path = '', sample = '', statusList = ''] = g.row.k;
      const calls = g.row.v[1] ?? 0;
      const baseCalls = expectedOf(requests.get(id)?.counts ?? new Map(), ctx.windows.length);
      const rate = calls > 0 ? observed / calls : 0;
      const baseRate = baseCalls > 0 ? expected / baseCalls : 0;
      const statuses = statusList === '' ? [] : statusList.split(',').map(Number);
      return [
        {
          kind: 'endpoint' as const,
          score: round2(score),
          summary: `${method} ${path} failed ${observed} of ${calls} requests (${Math.round(rate * 100)} %, usually ${Math.round(baseRate * 100)} %)${statuses.length ? `, status ${statuses.join('/')}` : ''}`,
          method,
          path,
          observed,
          expected,
          requests: calls,
          failure_rate: round2(rate),
          baseline_failure_rate: round2(baseRate),
          statuses,
          ...(sample ? { sample_request_id: sample } : {}),
        },
      ];
    });
  },
};
