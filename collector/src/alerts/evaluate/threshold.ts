import type { ThresholdRule } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { measureThreshold } from '../queries/threshold';
import { describeCalls, describeEvents, formatMetric, formatWindow } from '../format-values';
import { view } from '../links';
import type { Finding } from '../types';

const LABEL: Record<ThresholdRule['metric'], string> = {
  error_rate: 'Error rate',
  latency_p50: 'p50 latency',
  latency_p90: 'p90 latency',
  latency_p95: 'p95 latency',
  latency_p99: 'p99 latency',
  requests: 'Request count',
  count: 'Count',
};

/**
 * Compares a threshold rule's metric over its window with its bound. Rates and latencies
 * over fewer than `min_count` calls are not judged, because one failure in two calls is not
 * a 50% outage; such a window does not fire, and a firing alert resolves on it, since too
 * few calls to tell is not evidence of failing any more.
 *
 * @example await evaluateThreshold(storage, rule, 'demo', Date.now())
 */
export async function evaluateThreshold(storage: Storage, rule: ThresholdRule, project: string, now: number): Promise<Finding[]> {
  const m = await measureThreshold(storage, rule, project, now);
  const counted = rule.metric === 'count' || rule.metric === 'requests';
  const judged = m.value !== undefined && (counted || m.count >= rule.min_count);
  const crossed = judged && (rule.op === 'above' ? m.value! > rule.value : m.value! < rule.value);
  const subject = rule.source === 'events' ? describeEvents(rule.filter) : describeCalls(rule.filter, rule.source);
  const bound = `${rule.op} ${formatMetric(rule.metric, rule.value)}`;
  const win = formatWindow(rule.window);
  const summary = !judged
    ? `${LABEL[rule.metric]} of ${subject}: ${m.count} calls in the last ${win}, fewer than the ${rule.min_count} needed to judge (${bound})`
    : `${LABEL[rule.metric]} of ${subject} is ${formatMetric(rule.metric, m.value!)} over the last ${win} (${crossed ? '' : 'not '}${bound}${counted ? '' : `; ${m.count} calls`})`;
  const pathParam = rule.filter.path ?? rule.filter.path_prefix;
  return [
    {
      instance: '',
      active: crossed,
      severity: rule.severity,
      summary,
      ...(m.value !== undefined ? { value: m.value } : {}),
      threshold: rule.value,
      window: { from: now - rule.window, to: now },
      view: rule.source === 'events' ? view('/overview') : view('/red', { path: pathParam, source: rule.source === 'network' ? 'browser' : 'backend' }),
    },
  ];
}
