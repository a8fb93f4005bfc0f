import type { AlertFilter, ThresholdRule } from '@lifeline/protocol';

/** `35.2%` */
export const percent = (share: number) => `${(share * 100).toFixed(share < 0.001 && share > 0 ? 3 : 1)}%`;

/** `1,234 ms` */
export const millis = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;

/** A threshold rule's metric value in its unit. */
export function formatMetric(metric: ThresholdRule['metric'], value: number): string {
  if (metric === 'error_rate') return percent(value);
  if (metric.startsWith('latency_')) return millis(value);
  return Math.round(value).toLocaleString('en-US');
}

/** `5m`, `6h`, `3d`: a window as people write it. */
export function formatWindow(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** `POST /api/pay*` calls (browser): what a filter selects, for summaries. */
export function describeCalls(filter: AlertFilter, source: 'network' | 'backend'): string {
  const target = filter.path ?? (filter.path_prefix ? `${filter.path_prefix}*` : 'all');
  const parts = [filter.method, target].filter(Boolean);
  return `${parts.join(' ')} calls (${source === 'network' ? 'browser' : 'backend'})`;
}

/** `purchase events`, `degrade events of checkout`: what an events filter counts. */
export function describeEvents(filter: AlertFilter): string {
  const what = filter.event ?? filter.kind ?? 'all';
  return `${what} events${filter.feature ? ` of ${filter.feature}` : ''}${filter.path ? ` on ${filter.path}` : filter.path_prefix ? ` on ${filter.path_prefix}*` : ''}`;
}
