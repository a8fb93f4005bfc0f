import type { AlertSeverity, BurnRateTier } from '@lifeline/protocol';
import type { WindowCount } from '../queries/burn-rate';

/** How fast a window spends the error budget: 1 spends exactly the budget over the SLO period. */
export function burnRate(count: WindowCount | undefined, objective: number, minCount: number): number {
  if (!count || count.total === 0 || count.total < minCount) return 0;
  return count.bad / count.total / (1 - objective);
}

export interface TierResult {
  tier: BurnRateTier;
  longBurn: number;
  shortBurn: number;
  /** Both windows burn faster than the tier's factor. */
  matched: boolean;
}

/**
 * The multi-window, multi-burn-rate check (Google SRE workbook, "Alerting on SLOs"): a tier
 * matches only when its long window *and* its short window both burn faster than its
 * factor. The long window makes it significant; the short one makes it stop soon after the
 * burning stops.
 *
 * @example judgeTiers(tiers, counts, 0.999, 1).filter((t) => t.matched)
 */
export function judgeTiers(tiers: readonly BurnRateTier[], counts: ReadonlyMap<number, WindowCount>, objective: number, minCount: number): TierResult[] {
  return tiers.map((tier) => {
    const longBurn = burnRate(counts.get(tier.long), objective, minCount);
    const shortBurn = burnRate(counts.get(tier.short), objective, minCount);
    return { tier, longBurn, shortBurn, matched: longBurn > tier.factor && shortBurn > tier.factor };
  });
}

/** Severities of the tiers, most severe first (each is one alert of an SLO rule). */
export function tierSeverities(tiers: readonly BurnRateTier[]): AlertSeverity[] {
  const order: AlertSeverity[] = ['critical', 'warning', 'info'];
  return order.filter((s) => tiers.some((t) => t.severity === s));
}
