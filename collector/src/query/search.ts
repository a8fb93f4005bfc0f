import { SEARCH_FIELDS, type SearchQuery, type SearchResponse } from '@lifeline/protocol';
import type { Storage } from '../storage/open-storage';
import { EVENT_SELECT, eventFromRow } from '../storage/event-row';
import { resolveRange } from './range';
import { createParams } from './sql/params';
import { selectRows } from './sql/run';
import { checkRegex } from './sql/check-regex';

/**
 * Events whose message, URL or stack contains `q` (any case) or matches the RE2 pattern
 * `re`, newest first, each once. One extra row is read to tell whether more matched.
 *
 * @example await querySearch(storage, 'demo', SearchQuery.parse({ q: 'timed out' }), Date.now())
 * @throws QueryParamError for a pattern RE2 refuses.
 */
export async function querySearch(storage: Storage, project: string, q: SearchQuery, now: number): Promise<SearchResponse> {
  const range = resolveRange(q, { now });
  const p = createParams();
  const fields = q.fields ?? [...SEARCH_FIELDS];
  let match: (field: string) => string;
  if (q.re !== undefined) {
    await checkRegex(storage, q.re);
    const re = p.add('String', q.re);
    match = (f) => `match(${f}, ${re})`;
  } else {
    const text = p.add('String', q.q ?? '');
    match = (f) => `positionCaseInsensitiveUTF8(${f}, ${text}) > 0`;
  }
  const kinds = q.kinds ? `AND kind IN ${p.add('Array(String)', q.kinds)}` : '';
  const rows = await selectRows(
    storage,
    `SELECT ${EVENT_SELECT}
     FROM ${storage.database}.events
     WHERE project = ${p.add('String', project)} AND ${p.tsRange(range.from, range.to)} ${kinds}
       AND (${fields.map(match).join(' OR ')})
     ORDER BY ts DESC, event_id
     LIMIT 1 BY event_id
     LIMIT ${p.add('UInt32', q.limit + 1)}`,
    p,
  );
  return { project, ...range, events: rows.slice(0, q.limit).map(eventFromRow), truncated: rows.length > q.limit };
}
