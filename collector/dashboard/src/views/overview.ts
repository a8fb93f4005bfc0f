import type { AnomaliesResponse, DashboardAnnotationsResponse, DashboardFlagsResponse, MetricPoint, MetricsResponse } from '@lifeline/protocol';
import { timeChart, type Band, type Marker } from '../charts/time-chart';
import { COLOR, STATE_COLOR } from '../colors';
import { fill, h, notice, panel } from '../dom';
import { fmtChange, fmtInt, fmtMoney, fmtPct, fmtTime, timeZone } from '../format';
import { href } from '../router';
import type { ViewContext } from './view';

interface Chart {
  metric: keyof Pick<MetricPoint, 'orders' | 'revenue' | 'visits' | 'registrations' | 'conversion_rate'>;
  title: string;
  color: string;
  fmt: (v: number) => string;
  /** Anomalies of these metrics are shaded on this chart. */
  anomalies: string[];
}

const CHARTS: Chart[] = [
  { metric: 'revenue', title: 'Sales (revenue)', color: COLOR.blue, fmt: fmtMoney, anomalies: ['revenue', 'orders'] },
  { metric: 'visits', title: 'Visits', color: COLOR.teal, fmt: fmtInt, anomalies: ['visits'] },
  { metric: 'registrations', title: 'Registrations', color: COLOR.purple, fmt: fmtInt, anomalies: ['registrations'] },
  { metric: 'conversion_rate', title: 'Conversion rate', color: COLOR.green, fmt: (v) => fmtPct(v, 2), anomalies: ['conversion_rate'] },
];

/**
 * Overview: sales, visits, registrations and conversion per day or hour, anomalies shaded,
 * flag flips and releases marked, and every feature's flag now.
 */
export async function overview(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const interval = ctx.params.get('interval') === 'hour' ? 'hour' : 'day';
  const range = { from: ctx.range.from };
  const metricsParams = { ...range, interval, tz: timeZone() };
  const toggle = h(
    'div',
    { class: 'toggle', role: 'group', 'aria-label': 'Buckets' },
    ...(['day', 'hour'] as const).map((i) => h('a', { href: href('overview', { range: ctx.range.key, interval: i }), 'aria-pressed': String(i === interval), class: 'button' }, `Per ${i}`)),
  );
  const kpis = h('div', { class: 'kpis', 'data-source': ctx.api.url('/v1/query/metrics', metricsParams) }, notice('Loading…'));
  const grid = h('div', { class: 'chart-grid' });
  const notes = h('div', { class: 'annotations' });
  const flagsPanel = panel('Feature flags now', notice('Loading…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Overview'), toggle), kpis, grid, notes, flagsPanel);

  const metrics = ctx.api.get<MetricsResponse>('/v1/query/metrics', metricsParams);
  const annotations = ctx.api.get<DashboardAnnotationsResponse>('/v1/dashboard/annotations', range).catch(() => undefined);
  // Anomalies are looked for over at most 31 days; they shade the charts when they arrive.
  const anomalies = ctx.api.get<AnomaliesResponse>('/v1/query/anomalies', { ...range, causes: false }).catch(() => undefined);
  void ctx.api.get<DashboardFlagsResponse>('/v1/dashboard/flags').then((f) => !ctx.gone() && fill(flagsPanel, h('h2', {}, 'Feature flags now'), flagsTable(f)), (err: Error) => fill(flagsPanel, h('h2', {}, 'Feature flags now'), notice(err.message, 'error')));

  const [m, a] = await Promise.all([metrics, annotations]);
  if (ctx.gone()) return;
  fill(kpis, ...kpiTiles(m));
  const markers: Marker[] = [
    ...(a?.flags ?? []).map((f) => ({ t: f.ts, label: `${f.feature} ${f.state}`, color: STATE_COLOR[f.state] ?? COLOR.gray })),
    ...(a?.releases ?? []).map((r) => ({ t: r.first_seen, label: r.release, color: COLOR.purple })),
  ];
  const x = m.points.map((p) => p.t);
  const bandsByChart = new Map<Chart, Band[]>();
  const handles = CHARTS.map((c) => {
    const el = h('div', { class: 'chart', 'data-metric': c.metric });
    grid.append(h('section', { class: 'panel' }, h('h2', {}, c.title), el));
    const bands: Band[] = [];
    bandsByChart.set(c, bands);
    const handle = timeChart(el, { x, series: [{ label: c.title, values: m.points.map((p) => p[c.metric]), color: c.color, fill: true, bars: c.metric !== 'conversion_rate' && interval === 'day' }], markers, bands, yFmt: c.fmt, label: `${c.title} per ${interval}` });
    ctx.keep(handle);
    return { c, handle };
  });
  fill(notes, ...annotationList(a));
  ctx.drawn();

  const found = await anomalies;
  if (!found || ctx.gone()) return;
  for (const { c, handle } of handles) {
    const bands = bandsByChart.get(c)!;
    for (const an of found.anomalies.filter((x) => c.anomalies.includes(x.metric))) {
      bands.push({ ...toBuckets(x, an.start, an.end), color: COLOR.band, label: `${an.metric} ${an.direction} ${fmtChange(an.change)} from ${fmtTime(an.start)}` });
    }
    handle.plot.redraw(false);
  }
  if (found.anomalies.length) {
    notes.prepend(h('p', { class: 'notice' }, `${found.anomalies.length} anomalies in this period are shaded red. `, h('a', { href: href('anomalies', { range: ctx.range.key }) }, 'See them with their likely causes.')));
  }
}

/**
 * An anomaly's span widened to the buckets it falls in: an hour-long drop shades its whole
 * day on a daily chart, where the bar it pulled down is.
 */
function toBuckets(x: number[], from: number, to: number): { from: number; to: number } {
  const slot = x.length > 1 ? x[1]! - x[0]! : 3_600_000;
  const start = x.filter((t) => t <= from).at(-1) ?? from;
  const last = x.filter((t) => t < to).at(-1) ?? to - slot;
  return { from: start, to: last + slot };
}

function kpiTiles(m: MetricsResponse): HTMLElement[] {
  const t = m.totals;
  const tile = (metric: string, label: string, value: number, text: string, sub?: string) =>
    h('div', { class: 'kpi', 'data-metric': metric, 'data-value': value }, h('span', { class: 'kpi-label' }, label), h('strong', {}, text), sub ? h('span', { class: 'kpi-sub' }, sub) : null);
  return [
    tile('orders', 'Sales', t.orders, fmtInt(t.orders), `${fmtMoney(t.revenue)} revenue`),
    tile('visits', 'Visits', t.visits, fmtInt(t.visits)),
    tile('registrations', 'Registrations', t.registrations, fmtInt(t.registrations)),
    tile('conversion_rate', 'Conversion rate', t.conversion_rate, fmtPct(t.conversion_rate, 2), `${fmtInt(t.converted)} sessions bought`),
  ];
}

function annotationList(a: DashboardAnnotationsResponse | undefined): HTMLElement[] {
  if (!a || (!a.flags.length && !a.releases.length)) return [h('p', { class: 'notice muted' }, 'No flag changes or new releases in this period.')];
  const items = [
    ...a.flags.map((f) => ({ t: f.ts, el: h('li', { class: `mark flag state-${f.state}` }, fmtTime(f.ts), ' — flag ', h('strong', {}, f.feature), ` ${f.from_state} → ${f.state}`, f.actor ? ` by ${f.actor}` : '', f.message ? ` (“${f.message}”)` : '') })),
    ...a.releases.map((r) => ({ t: r.first_seen, el: h('li', { class: 'mark release' }, fmtTime(r.first_seen), ' — release ', h('strong', {}, r.release), ' first seen') })),
  ].sort((x, y) => x.t - y.t);
  return [h('h2', {}, 'Flag flips and releases'), h('ul', { class: 'marks' }, ...items.map((i) => i.el))];
}

function flagsTable(f: DashboardFlagsResponse): HTMLElement {
  const source =
    f.source === 'edge'
      ? 'Live from the edge (what browsers see now).'
      : f.edge_error
        ? `From the latest flag events in storage: the edge could not be read (${f.edge_error}).`
        : 'From the latest flag events in storage (no edge configured: set LIFELINE_EDGE_URL and LIFELINE_PUBLIC_KEY).';
  if (!f.flags.length) return h('div', {}, h('p', { class: 'notice muted' }, 'No feature has ever been flipped: every feature is ok.'), h('p', { class: 'source', 'data-flags-source': f.source }, source));
  return h(
    'div',
    {},
    h('table', { class: 'flags' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Feature'), h('th', {}, 'State'), h('th', {}, 'Message'), h('th', {}, 'Since'))),
      h('tbody', {}, ...f.flags.map((x) => h('tr', { 'data-feature': x.feature }, h('td', {}, x.feature), h('td', {}, h('span', { class: `badge state-${x.state}` }, x.state)), h('td', {}, x.message ?? ''), h('td', {}, x.since ? fmtTime(x.since) : '')))),
    ),
    h('p', { class: 'source', 'data-flags-source': f.source }, source),
  );
}
