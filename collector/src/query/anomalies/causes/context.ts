import type { QueryRange } from '@lifeline/protocol';
import type { Storage } from '../../../storage/open-storage';
import type { SqlParams } from '../../sql/params';
import { median } from '../detect';

/** What every cause finder gets: the anomaly's window and its copies in the baseline weeks. */
export interface CauseContext {
  storage: Storage;
  project: string;
  /** Index 0 is the anomaly's window; 1… the same hours 1… weeks earlier (with data). */
  windows: QueryRange[];
}

/**
 * SQL for "which window a row falls in": `index` is 0… or -1, `where` keeps rows in any
 * window (written as ranges on `ts` so the primary key skips everything else).
 */
export function windowSql(windows: readonly QueryRange[], p: SqlParams): { index: string; where: string } {
  const conds = windows.map((w) => p.tsRange(w.from, w.to));
  return {
    index: `multiIf(${conds.map((c, i) => `${c}, ${i}`).join(', ')}, -1)`,
    where: `(${conds.join(' OR ')})`,
  };
}

/** Median of the baseline windows' values (windows without a value count as 0). */
export function expectedOf(values: ReadonlyMap<number, number>, windows: number): number {
  return median(Array.from({ length: windows - 1 }, (_, i) => values.get(i + 1) ?? 0));
}

/**
 * How strongly a count that rose points at a cause, 0–1: the share of the window's count
 * that is excess, damped for small excesses and for rises within the baseline's noise.
 * 50 payment errors against none scores ≈1; 12 errors against 10 ≈0.01.
 */
export function riseScore(observed: number, expected: number): number {
  const excess = observed - expected;
  if (excess <= 0 || observed <= 0) return 0;
  const z = excess / Math.sqrt(expected + 1);
  return (excess / observed) * (1 - Math.exp(-excess / 5)) * Math.min(1, z / 3);
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
