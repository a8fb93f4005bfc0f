import type { AlertRule } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import type { AnomalySource, Finding } from '../types';
import { evaluateAnomaly } from './anomaly';
import { evaluateSlo } from './slo';
import { evaluateThreshold } from './threshold';

/** The runbook anchor of each kind of rule, when the rule does not name one. */
export const DEFAULT_RUNBOOK: Record<string, string> = {
  error_rate: 'error-rate',
  latency: 'latency',
  count: 'traffic',
  anomaly: 'conversion-drop',
  slo: 'slo-burn',
};

export function runbookAnchor(rule: AlertRule): string {
  if (rule.runbook) return rule.runbook;
  if (rule.kind === 'threshold') return DEFAULT_RUNBOOK[rule.metric.startsWith('latency_') ? 'latency' : rule.metric === 'error_rate' ? 'error_rate' : 'count']!;
  return DEFAULT_RUNBOOK[rule.kind]!;
}

/**
 * Evaluates one rule at `now`.
 *
 * @throws when its query fails, or for an anomaly rule when no anomaly query is available;
 *   the caller leaves that rule's alerts as they were.
 */
export async function evaluateRule(
  rule: AlertRule,
  ctx: { storage: Storage; project: string; now: number; anomalies?: AnomalySource | undefined },
): Promise<Finding[]> {
  switch (rule.kind) {
    case 'threshold':
      return evaluateThreshold(ctx.storage, rule, ctx.project, ctx.now);
    case 'slo':
      return evaluateSlo(ctx.storage, rule, ctx.project, ctx.now);
    case 'anomaly':
      if (!ctx.anomalies) throw new Error('the anomaly query is not available to alerting');
      return evaluateAnomaly(ctx.anomalies, rule, ctx.project, ctx.now);
  }
}
