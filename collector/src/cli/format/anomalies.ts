import type { AnomaliesResponse, Anomaly } from '@lifeline/protocol';
import { num, when } from '../table';

/** Each anomaly as a headline with its hours' figures, then its causes, most likely first. */
export function formatAnomalies(r: AnomaliesResponse): string {
  const head = `Anomalies ${when(r.from)} → ${when(r.to)} UTC against the same hours of the ${r.weeks} weeks before\n`;
  if (r.anomalies.length === 0) return `${head}\nnone found in ${r.metrics.join(', ')}\n`;
  return head + r.anomalies.map(anomaly).join('');
}

function anomaly(a: Anomaly): string {
  const rate = a.metric === 'conversion_rate';
  const fmt = (x: number) => (rate ? `${(x * 100).toFixed(1)} %` : num(x, a.metric === 'revenue' ? 2 : 0));
  const change = `${a.change >= 0 ? '+' : '−'}${Math.abs(a.change * 100).toFixed(1)} %`;
  const lines = [
    `\n${a.severity.toUpperCase().padEnd(6)} ${a.metric} ${a.direction} ${when(a.start)} → ${when(a.end).slice(11)} UTC: ${fmt(a.observed)} vs ${fmt(a.expected)} expected (${change}), z ${a.score.toFixed(1)}`,
  ];
  if (a.causes.length === 0) lines.push('       (no causes listed)');
  a.causes.forEach((c, i) => lines.push(`  ${String(i + 1).padStart(2)}. [${c.score.toFixed(2)}] ${c.kind.padEnd(11)} ${c.summary}`));
  return lines.join('\n') + '\n';
}
