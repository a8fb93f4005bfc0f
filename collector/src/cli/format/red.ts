import type { RedResponse } from '@lifeline/protocol';
import { num, pct, renderTable, when } from '../table';

/** Rate, errors and duration per endpoint. */
export function formatRed(r: RedResponse): string {
  return (
    `Endpoints ${when(r.from)} → ${when(r.to)} UTC\n\n` +
    renderTable(
      [
        { title: 'source' },
        { title: 'method' },
        { title: 'path' },
        { title: 'req/min', align: 'right' },
        { title: 'requests', align: 'right' },
        { title: 'errors', align: 'right' },
        { title: 'p50 ms', align: 'right' },
        { title: 'p95 ms', align: 'right' },
        { title: 'p99 ms', align: 'right' },
      ],
      r.endpoints.map((e) => [
        e.source,
        e.method,
        e.path,
        num(e.rate_per_min, 2),
        num(e.requests),
        `${num(e.errors)} (${pct(e.error_rate)})`,
        num(e.p50, 1),
        num(e.p95, 1),
        num(e.p99, 1),
      ]),
    )
  );
}
