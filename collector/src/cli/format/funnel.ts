import type { FunnelPeriod, FunnelResponse } from '@lifeline/protocol';
import { duration, num, pct, renderTable, when } from '../table';

/** A funnel as tables: the steps (with the previous period beside them), then the breakdown. */
export function formatFunnel(r: FunnelResponse): string {
  const prev = r.previous;
  const head = `Funnel by ${r.by}, ${when(r.from)} → ${when(r.to)} UTC, window ${duration(r.window_ms)}, ${r.order} order\n\n`;
  const steps = renderTable(
    [
      { title: 'step', align: 'right' },
      { title: 'event' },
      { title: 'count', align: 'right' },
      { title: 'from first', align: 'right' },
      { title: 'from previous', align: 'right' },
      { title: 'drop-off', align: 'right' },
      ...(prev ? [{ title: 'previous', align: 'right' as const }, { title: 'change', align: 'right' as const }] : []),
    ],
    r.total.steps.map((s, i) => {
      const p = prev?.total.steps[i];
      return [
        String(s.step),
        s.label,
        num(s.count),
        pct(s.conversion_from_first),
        pct(s.conversion_from_previous),
        num(s.drop_off),
        ...(p ? [pct(p.conversion_from_first), points(s.conversion_from_first - p.conversion_from_first)] : []),
      ];
    }),
  );
  const summary = `\nconversion ${pct(r.total.conversion)} (${num(r.total.completed)} of ${num(r.total.entered)})${
    prev ? `; previous period ${when(prev.from)} → ${when(prev.to)}: ${pct(prev.total.conversion)}` : ''
  }\n`;
  return head + steps + summary + (r.breakdown ? `\nby ${r.breakdown_by}\n` + breakdown(r, prev) : '');
}

function breakdown(r: FunnelResponse, prev: FunnelPeriod | undefined): string {
  const last = r.steps.length - 1;
  return renderTable(
    [
      { title: r.breakdown_by ?? 'value' },
      { title: 'entered', align: 'right' },
      { title: 'completed', align: 'right' },
      { title: 'conversion', align: 'right' },
      ...(prev ? [{ title: 'previous', align: 'right' as const }] : []),
    ],
    (r.breakdown ?? []).map((b, i) => [
      b.value,
      num(b.entered),
      num(b.steps[last]?.count ?? 0),
      pct(b.conversion),
      ...(prev ? [pct(prev.breakdown?.[i]?.conversion ?? 0)] : []),
    ]),
  );
}

const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pt`;
