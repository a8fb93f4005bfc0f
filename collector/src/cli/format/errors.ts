import type { ErrorsResponse } from '@lifeline/protocol';
import { num, renderTable, when } from '../table';

const BARS = '▁▂▃▄▅▆▇█';

/** Counts as a one-line bar chart. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(...values, 0);
  return values.map((v) => (max === 0 || v === 0 ? ' ' : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

/** Error groups, most frequent first, with a trend per bucket. */
export function formatErrors(r: ErrorsResponse): string {
  const head = `Error groups ${when(r.from)} → ${when(r.to)} UTC (trend per ${r.interval})\n\n`;
  if (r.groups.length === 0) return `${head}no errors\n`;
  return (
    head +
    renderTable(
      [
        { title: 'count', align: 'right' },
        { title: 'users', align: 'right' },
        { title: 'sessions', align: 'right' },
        { title: 'first seen' },
        { title: 'last seen' },
        { title: 'trend' },
        { title: 'group' },
        { title: 'sample session' },
      ],
      r.groups.map((g) => [
        num(g.count),
        num(g.users),
        num(g.sessions),
        when(g.first_seen),
        when(g.last_seen),
        sparkline(g.trend),
        g.key === g.fingerprint ? `${g.key}: ${g.message}` : g.key,
        g.sample.session_id,
      ]),
    )
  );
}
