import type { Anomaly, AnomalyCause, AnomalyRule, AlertCause } from '@lifeline/protocol';
import { percent } from '../format-values';
import { view } from '../links';
import type { AnomalySource, Finding } from '../types';

const RANK = { low: 1, medium: 2, high: 3 } as const;

/**
 * Fires while the anomaly query reports an anomaly of the rule's metric, in its direction,
 * at or above its severity, that was still going on within `lookback` of now. The
 * notification carries that anomaly's likely causes.
 *
 * @example await evaluateAnomaly(source, rule, 'demo', Date.now())
 */
export async function evaluateAnomaly(source: AnomalySource, rule: AnomalyRule, project: string, now: number): Promise<Finding[]> {
  // Hourly buckets: look back one more hour so an anomaly in the current hour's first
  // minutes is judged against a whole hour.
  const from = now - rule.lookback - 3_600_000;
  const res = await source(project, { from: String(from), to: String(now), metrics: rule.metric });
  const found = res.anomalies
    .filter((a) => a.metric === rule.metric)
    .filter((a) => rule.direction === 'any' || a.direction === rule.direction)
    .filter((a) => RANK[a.severity] >= RANK[rule.min_severity])
    .filter((a) => a.end > now - rule.lookback)
    .sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.score - a.score)[0];
  const window = { from, to: now };
  const anomaliesView = view('/anomalies', { metric: rule.metric });
  if (!found) {
    return [{ instance: '', active: false, severity: rule.severity, summary: `No ${rule.direction === 'any' ? '' : `${rule.direction} `}anomaly of ${rule.metric} at ${rule.min_severity} severity or above in the last hours`, window, view: anomaliesView }];
  }
  return [
    {
      instance: '',
      active: true,
      severity: rule.severity,
      summary: describeAnomaly(found),
      value: found.observed,
      threshold: found.expected,
      causes: found.causes.map(toAlertCause),
      window: { from: found.start, to: Math.min(found.end, now) },
      view: view('/anomalies', { metric: rule.metric, from: found.start }),
    },
  ];
}

function describeAnomaly(a: Anomaly): string {
  const since = new Date(a.start).toISOString().slice(0, 16).replace('T', ' ');
  const change = a.change === 0 ? '' : ` (${a.change > 0 ? '+' : ''}${percent(a.change)})`;
  const fmt = (x: number) => (a.metric === 'conversion_rate' ? percent(x) : x.toLocaleString('en-US', { maximumFractionDigits: 1 }));
  return `${a.metric} ${a.direction === 'drop' ? 'dropped' : 'spiked'} to ${fmt(a.observed)} against ${fmt(a.expected)} expected${change} since ${since} UTC, severity ${a.severity}`;
}

/** An anomaly cause as a notification line, linked to the dashboard view that shows it. */
export function toAlertCause(c: AnomalyCause): AlertCause {
  switch (c.kind) {
    case 'error_group':
      return { kind: c.kind, label: c.message || c.key, detail: c.summary, link: view('/errors', { key: c.key }) };
    case 'endpoint':
      return {
        kind: c.kind,
        label: `${c.method} ${c.path}`,
        detail: c.summary,
        link: c.sample_request_id ? view('/timeline', { by: 'request', id: c.sample_request_id }) : view('/red', { path: c.path }),
      };
    case 'flag':
      return { kind: c.kind, label: `flag ${c.feature}: ${c.from_state} → ${c.state}`, detail: c.summary, link: view('/overview') };
    case 'degrade':
      return { kind: c.kind, label: `fallback ${c.feature} (${c.state}, ${c.reason})`, detail: c.summary, link: view('/overview') };
    case 'release':
      return { kind: c.kind, label: `release ${c.release}`, detail: c.summary, link: view('/errors') };
    case 'segment':
      return { kind: c.kind, label: `${c.dimension} ${c.value}`, detail: c.summary, link: view('/funnel', { breakdown: c.dimension }) };
  }
}
