import type { SloRule } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { countWindows } from '../queries/burn-rate';
import { describeCalls, formatWindow, millis, percent } from '../format-values';
import { view } from '../links';
import type { Finding } from '../types';
import { judgeTiers, tierSeverities } from './burn-rate';

const burn = (x: number) => `${x.toFixed(1)}×`;

/**
 * Evaluates an SLO rule: one alert per severity of its tiers (with the default tiers, a
 * `critical` page and a `warning` ticket), each firing while any of its tiers matches.
 *
 * @example await evaluateSlo(storage, rule, 'demo', Date.now()) // [{ instance: 'critical', … }, { instance: 'warning', … }]
 */
export async function evaluateSlo(storage: Storage, rule: SloRule, project: string, now: number): Promise<Finding[]> {
  const counts = await countWindows(storage, rule, project, rule.tiers.flatMap((t) => [t.long, t.short]), now);
  const results = judgeTiers(rule.tiers, counts, rule.objective, rule.min_count);
  const sli = rule.sli === 'availability' ? 'availability' : `latency under ${millis(rule.latency_threshold_ms ?? 0)}`;
  const subject = `${sli} of ${describeCalls(rule.filter, rule.source)}, objective ${percent(rule.objective)} over 30d`;
  const pathParam = rule.filter.path ?? rule.filter.path_prefix;

  return tierSeverities(rule.tiers).map((severity) => {
    const own = results.filter((r) => r.tier.severity === severity);
    const matched = own.filter((r) => r.matched);
    // The worst tier speaks for the alert: the matched one with the highest factor, else the closest to matching.
    const lead = matched.sort((a, b) => b.tier.factor - a.tier.factor)[0] ?? own.sort((a, b) => Math.min(b.longBurn, b.shortBurn) / b.tier.factor - Math.min(a.longBurn, a.shortBurn) / a.tier.factor)[0]!;
    const tierText = (r: (typeof own)[number]) =>
      `${r.tier.name} ${burn(r.longBurn)} over ${formatWindow(r.tier.long)} and ${burn(r.shortBurn)} over ${formatWindow(r.tier.short)} (needs > ${burn(r.tier.factor)} in both)`;
    const summary = matched.length
      ? `Error budget burning: ${subject}; ${matched.map(tierText).join('; ')}`
      : `Error budget burn within bounds: ${subject}; ${tierText(lead)}`;
    return {
      instance: severity,
      active: matched.length > 0,
      severity,
      summary,
      value: lead.shortBurn > 0 ? Math.min(lead.longBurn, lead.shortBurn) : lead.longBurn,
      threshold: lead.tier.factor,
      window: { from: now - Math.max(lead.tier.short, 300_000), to: now },
      view: view('/red', { path: pathParam, source: rule.source === 'network' ? 'browser' : 'backend' }),
    };
  });
}
