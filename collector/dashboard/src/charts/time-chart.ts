import uPlot from 'uplot';
import { axisWidth, fitWidth, widthOf, type ChartHandle } from './chart-handle';

export interface SeriesSpec {
  label: string;
  values: (number | null)[];
  color: string;
  fmt?: (v: number) => string;
  /** Fill under the line. */
  fill?: boolean;
  dash?: number[];
  /** Draw as bars. */
  bars?: boolean;
}

/** A vertical line at a moment: a flag flip, a release. */
export interface Marker {
  t: number;
  label: string;
  color: string;
}

/** A shaded time span: an anomaly. */
export interface Band {
  from: number;
  to: number;
  color: string;
  /** What is shaded, named in the chart's accessible label. */
  label?: string;
}

export interface TimeChartOptions {
  /** Epoch ms of each point. */
  x: number[];
  series: SeriesSpec[];
  markers?: Marker[];
  bands?: Band[];
  height?: number;
  yFmt?: (v: number) => string;
  /** Read by screen readers in place of the canvas. */
  label: string;
}

/**
 * A time-series chart (uPlot) with shaded bands under the series and marker lines over
 * them. Bands are elements in uPlot's layer under the (transparent) canvas; markers are
 * drawn on the canvas with their labels. Both may be added after the chart is made
 * (`plot.redraw()` shows them), and the chart's accessible label names them.
 *
 * @example timeChart(el, { x, series: [{ label: 'Visits', values, color: '#2563eb' }], label: 'Visits per day' })
 */
export function timeChart(container: HTMLElement, o: TimeChartOptions): ChartHandle {
  const height = o.height ?? 180;
  const markers = o.markers ?? [];
  const bands = o.bands ?? [];
  const yFmt = o.yFmt ?? ((v: number) => String(v));
  const anyBars = o.series.some((s) => s.bars);
  const slot = o.x.length > 1 ? (o.x[1]! - o.x[0]!) / 1000 : 3600;
  const opts: uPlot.Options = {
    width: widthOf(container),
    height,
    legend: { show: o.series.length > 1 },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: {
      // A bar fills its bucket, from the bucket's start to the next one, so a marker at
      // 14:05 lands in its day's bar; the last bucket needs room to the right.
      x: { time: true, ...(anyBars ? { range: (_u: uPlot, min: number, max: number) => [min, max + slot] as uPlot.Range.MinMax } : {}) },
      // Counts and money start at zero, so bar heights compare; rates keep a fitted range.
      ...(anyBars ? { y: { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.08 : 1] as uPlot.Range.MinMax } } : {}),
    },
    series: [
      {},
      ...o.series.map((s): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        ...(s.fill ? { fill: `${s.color}22` } : {}),
        ...(s.dash ? { dash: s.dash } : {}),
        ...(s.bars ? { paths: uPlot.paths.bars!({ size: [0.8, 60], align: 1 }), fill: `${s.color}cc`, width: 0 } : {}),
        value: (_u, v) => (v === null || v === undefined ? '–' : (s.fmt ?? yFmt)(v)),
        points: { show: false },
      })),
    ],
    axes: [{}, { size: axisWidth, values: (_u, splits) => splits.map(yFmt) }],
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.setLineDash([4, 3]);
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          // Labels of close markers go on the next row down instead of over each other.
          const rowEnds: number[] = [];
          const lineHeight = 13 * devicePixelRatio;
          for (const m of [...markers].sort((a, b) => a.t - b.t)) {
            const x = Math.round(u.valToPos(m.t / 1000, 'x', true));
            if (x < bbox.left || x > bbox.left + bbox.width) continue;
            ctx.strokeStyle = m.color;
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
            const text = ctx.measureText(m.label).width;
            const tx = Math.min(x + 3 * devicePixelRatio, bbox.left + bbox.width - text - 2);
            let row = rowEnds.findIndex((end) => end < tx);
            if (row === -1) row = rowEnds.length;
            rowEnds[row] = tx + text + 4 * devicePixelRatio;
            const ty = bbox.top + row * lineHeight;
            ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
            ctx.fillRect(tx - 1, ty + 1, text + 2, lineHeight);
            ctx.fillStyle = m.color;
            ctx.fillText(m.label, tx, ty + 11 * devicePixelRatio);
          }
          ctx.restore();
          placeBands(u, bands);
          describe(u, o.label, markers, bands);
        },
      ],
    },
  };
  const data: uPlot.AlignedData = [o.x.map((t) => t / 1000), ...o.series.map((s) => s.values)];
  const plot = new uPlot(opts, data, container);
  plot.root.setAttribute('role', 'img');
  describe(plot, o.label, markers, bands);
  return fitWidth(container, plot, height);
}

/** Puts one element per band, clipped to the plot, in the layer under the canvas. */
function placeBands(u: uPlot, bands: readonly Band[]): void {
  for (const el of u.under.querySelectorAll('.band')) el.remove();
  const width = u.bbox.width / devicePixelRatio;
  for (const b of bands) {
    const x0 = u.valToPos(b.from / 1000, 'x');
    const x1 = u.valToPos(b.to / 1000, 'x');
    const left = Math.max(0, Math.min(x0, x1));
    const right = Math.min(width, Math.max(x0, x1));
    if (right <= left) continue;
    const el = document.createElement('div');
    el.className = 'band';
    el.style.left = `${left}px`;
    el.style.width = `${Math.max(2, right - left)}px`;
    el.style.background = b.color;
    if (b.label) el.title = b.label;
    u.under.append(el);
  }
}

/** The chart's accessible label: what it shows, then the markers and bands within its range. */
function describe(u: uPlot, label: string, markers: readonly Marker[], bands: readonly Band[]): void {
  const min = (u.scales.x?.min ?? 0) * 1000;
  const max = (u.scales.x?.max ?? 0) * 1000;
  const marked = markers.filter((m) => m.t >= min && m.t <= max).map((m) => m.label);
  const shaded = bands.filter((b) => b.to > min && b.from < max).map((b) => b.label ?? 'shaded span');
  const text = [label, marked.length ? `Marked: ${marked.join(', ')}` : '', shaded.length ? `Shaded: ${shaded.join(', ')}` : ''].filter(Boolean).join('. ');
  if (u.root.getAttribute('aria-label') !== text) u.root.setAttribute('aria-label', text);
}
