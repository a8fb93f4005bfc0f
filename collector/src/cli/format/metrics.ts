import type { MetricValues, MetricsResponse } from '@lifeline/protocol';
import { num, pct, renderTable, when } from '../table';

/** Metrics as one row per bucket and a totals row. */
export function formatMetrics(r: MetricsResponse): string {
  const events = Object.keys(r.totals.events);
  const cells = (v: MetricValues) => [
    num(v.visits),
    num(v.orders),
    num(v.revenue, 2),
    num(v.registrations),
    pct(v.conversion_rate),
    num(v.errors),
    ...events.map((e) => num(v.events[e] ?? 0)),
  ];
  const label = (t: number) => (r.interval === 'day' ? when(t).slice(0, 10) : when(t));
  return (
    `Metrics per ${r.interval}, ${when(r.from)} → ${when(r.to)} UTC, buckets in ${r.tz}\n\n` +
    renderTable(
      [
        { title: r.interval },
        ...['visits', 'orders', 'revenue', 'sign-ups', 'conversion', 'errors', ...events].map((title) => ({ title, align: 'right' as const })),
      ],
      [...r.points.map((p) => [label(p.t), ...cells(p)]), ['total', ...cells(r.totals)]],
    )
  );
}
