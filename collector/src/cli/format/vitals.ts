import type { VitalSummary, VitalsResponse } from '@lifeline/protocol';
import { num, pct, renderTable, when } from '../table';

const p75 = (v: VitalSummary) => (v.name === 'CLS' ? v.p75.toFixed(3) : `${num(v.p75)} ms`);

/** Vitals overall, then p75 per path. */
export function formatVitals(r: VitalsResponse): string {
  const overall = renderTable(
    [
      { title: 'vital' },
      { title: 'p75', align: 'right' },
      { title: 'rating' },
      { title: 'good', align: 'right' },
      { title: 'needs impr.', align: 'right' },
      { title: 'poor', align: 'right' },
      { title: 'count', align: 'right' },
    ],
    r.overall.map((v) => [v.name, p75(v), v.rating, pct(v.good), pct(v.needs_improvement), pct(v.poor), num(v.count)]),
  );
  const names = r.overall.map((v) => v.name);
  const paths = renderTable(
    [{ title: 'path' }, ...names.map((n) => ({ title: `${n} p75`, align: 'right' as const }))],
    r.by_path.map((p) => [p.path, ...names.map((n) => {
      const v = p.vitals.find((x) => x.name === n);
      return v ? p75(v) : '';
    })]),
  );
  return `Web vitals ${when(r.from)} → ${when(r.to)} UTC\n\n${overall}\nby path\n${paths}`;
}
