import type { Storage } from '../../storage/open-storage';

/**
 * Releases whose first event falls from `from` to `to` (epoch ms), oldest first. A
 * release's first event is looked for up to 90 days before the range, so one that started
 * before it is not shown as new (without scanning the whole retention).
 *
 * @example await releasesFirstSeen(storage, { project: 'demo', from, to }) // [{ release: 'demo@1.5.0', first_seen: … }]
 */
export async function releasesFirstSeen(storage: Storage, range: { project: string; from: number; to: number }): Promise<{ release: string; first_seen: number }[]> {
  const rs = await storage.client.query({
    query: `
      SELECT release AS name, toUnixTimestamp64Milli(min(ts)) AS first_ms
      FROM ${storage.database}.events
      WHERE project = {project:String} AND release != ''
        AND ts >= fromUnixTimestamp64Milli({lookback:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
      GROUP BY release
      HAVING min(ts) >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
      ORDER BY first_ms
      LIMIT 100`,
    query_params: { ...range, lookback: range.from - 90 * 86_400_000 },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ name: string; first_ms: number | string }>();
  return rows.map((r) => ({ release: r.name, first_seen: Number(r.first_ms) }));
}
