import type { AnomalyCause } from '@lifeline/protocol';
import type { SqlParams } from '../../sql/params';
import { createParams } from '../../sql/params';
import { selectRows } from '../../sql/run';
import type { CauseContext } from './context';

/**
 * One row of a finder in the shared statement: the window it counts (0 = the anomaly's),
 * its text fields and its numbers, in the order the finder writes them.
 */
export interface FinderRow {
  w: number;
  k: string[];
  v: number[];
}

/**
 * A kind of cause. Its SELECT yields `(w Int32, k Array(String), v Array(Float64))` rows, so
 * every finder of a window runs in one statement (`UNION ALL`): one round trip to the
 * engine instead of one per finder.
 */
export interface CauseFinder {
  sql(ctx: CauseContext, p: SqlParams): string;
  read(rows: FinderRow[], ctx: CauseContext): AnomalyCause[];
}

/** Runs the finders over one window in a single statement and returns their causes. */
export async function runFinders(ctx: CauseContext, finders: readonly CauseFinder[]): Promise<AnomalyCause[][]> {
  const p = createParams();
  const sql = finders.map((f, i) => `SELECT ${i} AS f, w, k, v FROM (${f.sql(ctx, p)})`).join('\nUNION ALL\n');
  const rows = await selectRows<{ f: number | string; w: number | string; k: string[]; v: (number | string)[] }>(ctx.storage, sql, p);
  return finders.map((f, i) =>
    f.read(
      rows.filter((r) => Number(r.f) === i).map((r) => ({ w: Number(r.w), k: r.k, v: r.v.map(Number) })),
      ctx,
    ),
  );
}

/** Groups finder rows by their text key (the first `keys` strings): counts per window and the window-0 row. */
export function byKey(rows: readonly FinderRow[], keys: number, value = 0): Map<string, { counts: Map<number, number>; row?: FinderRow }> {
  const out = new Map<string, { counts: Map<number, number>; row?: FinderRow }>();
  for (const r of rows) {
    const id = r.k.slice(0, keys).join('\u0000');
    const g = out.get(id) ?? { counts: new Map<number, number>() };
    out.set(id, g);
    g.counts.set(r.w, r.v[value] ?? 0);
    if (r.w === 0) g.row = r;
  }
  return out;
}
