import uPlot from 'uplot';
import { axisWidth, fitWidth, widthOf, type ChartHandle } from './chart-handle';

export interface BarSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Share of a slot the bar takes (0–1); nested bars of shrinking size read as one group. */
  size: number;
}

/**
 * Bars over named categories (funnel steps, endpoints). Several series are drawn nested,
 * widest first, so a percentile family or this-versus-previous reads as one bar.
 *
 * @example barChart(el, { labels: ['view', 'cart'], xLabel: 'Step', series: [{ label: 'Now', values: [1, 0.4], color: '#2563eb', size: 0.6 }], label: 'Conversion per step' })
 */
export function barChart(container: HTMLElement, o: { labels: string[]; xLabel: string; series: BarSeries[]; yFmt?: (v: number) => string; height?: number; label: string }): ChartHandle {
  const height = o.height ?? 200;
  const yFmt = o.yFmt ?? ((v: number) => String(v));
  const n = o.labels.length;
  const short = (s: string) => (s.length > 18 ? `${s.slice(0, 17)}…` : s);
  const plot = new uPlot(
    {
      width: widthOf(container),
      height,
      legend: { show: o.series.length > 1 },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false, range: () => [-0.5, n - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [
        { label: o.xLabel, value: (_u, v) => o.labels[v] ?? '' },
        ...o.series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          fill: s.color,
          width: 0,
          paths: uPlot.paths.bars!({ size: [s.size, 120], align: 0 }),
          points: { show: false },
          value: (_u, v) => (v === null || v === undefined ? '–' : yFmt(v)),
        })),
      ],
      axes: [
        { splits: () => o.labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => short(o.labels[i] ?? '')), gap: 6 },
        { size: axisWidth, values: (_u, splits) => splits.map(yFmt) },
      ],
    },
    [o.labels.map((_, i) => i), ...o.series.map((s) => s.values)],
    container,
  );
  plot.root.setAttribute('role', 'img');
  plot.root.setAttribute('aria-label', o.label);
  return fitWidth(container, plot, height);
}
