import type { FunnelResult, FunnelStep } from '@lifeline/protocol';

/**
 * Turns a histogram of funnel levels (entities whose furthest step was `level`) into per
 * step counts, conversions and drop-offs. An entity at level 3 reached steps 1, 2 and 3.
 *
 * @example funnelResult(steps, new Map([[1, 50], [2, 30], [3, 20]])) // step counts 100, 50, 20
 */
export function funnelResult(steps: readonly FunnelStep[], levels: ReadonlyMap<number, number>): FunnelResult {
  const counts = steps.map((_, i) => {
    let n = 0;
    for (const [level, entities] of levels) if (level >= i + 1) n += entities;
    return n;
  });
  const first = counts[0] ?? 0;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    steps: steps.map((s, i) => {
      const count = counts[i]!;
      const previous = i === 0 ? count : counts[i - 1]!;
      return {
        step: i + 1,
        event: s.event,
        label: s.label,
        count,
        conversion_from_first: i === 0 ? (count > 0 ? 1 : 0) : ratio(count, first),
        conversion_from_previous: i === 0 ? (count > 0 ? 1 : 0) : ratio(count, previous),
        drop_off: previous - count,
        drop_off_rate: i === 0 ? 0 : ratio(previous - count, previous),
      };
    }),
    entered: first,
    completed: counts[counts.length - 1] ?? 0,
    conversion: ratio(counts[counts.length - 1] ?? 0, first),
  };
}

/** Adds level histograms (for the `(other)` breakdown value). */
export function addLevels(into: Map<number, number>, from: ReadonlyMap<number, number>): Map<number, number> {
  for (const [level, n] of from) into.set(level, (into.get(level) ?? 0) + n);
  return into;
}
