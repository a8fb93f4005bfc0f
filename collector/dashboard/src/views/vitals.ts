import type { VitalSummary, VitalsResponse } from '@lifeline/protocol';
import { timeChart } from '../charts/time-chart';
import { COLOR } from '../colors';
import { fill, h, notice, panel } from '../dom';
import { fmtInt, fmtMs, fmtPct } from '../format';
import { href } from '../router';
import type { ViewContext } from './view';

const NAMES = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
const value = (name: string, v: number) => (name === 'CLS' ? v.toFixed(3) : fmtMs(v));

/** Web vitals: p75 overall and per page path, and the good / needs-improvement / poor shares over time. */
export async function vitals(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const name = (NAMES as readonly string[]).includes(ctx.params.get('name') ?? '') ? ctx.params.get('name')! : 'LCP';
  const interval = ctx.range.days <= 2 ? 'hour' : 'day';
  const query = { from: ctx.range.from, interval };
  const body = h('div', { 'data-source': ctx.api.url('/v1/query/vitals', query) }, notice('Loading…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Web vitals'), h('span', { class: 'muted' }, ctx.range.label)), body);

  const res = await ctx.api.get<VitalsResponse>('/v1/query/vitals', query);
  if (ctx.gone()) return;
  if (!res.overall.length) {
    fill(body, notice('No web vitals in this period.'));
    ctx.drawn();
    return;
  }
  const shares = h('div', { class: 'chart' });
  const p75 = h('div', { class: 'chart' });
  fill(
    body,
    h('div', { class: 'kpis' }, ...res.overall.map((v) => card(v, name, ctx))),
    h('div', { class: 'chart-grid' }, panel(`${name}: share of page views rated good, needs improvement and poor`, shares), panel(`${name}: 75th percentile per ${res.interval}`, p75)),
    panel('75th percentile per page path', pathTable(res)),
  );
  const x = res.series.map((s) => s.t);
  const pick = (f: (v: VitalSummary) => number) => res.series.map((s) => {
    const v = s.vitals.find((y) => y.name === name);
    return v ? f(v) : null;
  });
  ctx.keep(timeChart(shares, {
    x,
    series: [
      { label: 'Good', values: pick((v) => v.good), color: COLOR.green },
      { label: 'Needs improvement', values: pick((v) => v.needs_improvement), color: COLOR.amber },
      { label: 'Poor', values: pick((v) => v.poor), color: COLOR.red },
    ],
    yFmt: (v) => fmtPct(v, 0),
    label: `${name} rating shares per ${res.interval}`,
  }));
  ctx.keep(timeChart(p75, { x, series: [{ label: `${name} p75`, values: pick((v) => v.p75), color: COLOR.blue, fill: true }], yFmt: (v) => value(name, v), label: `${name} p75 per ${res.interval}` }));
  ctx.drawn();
}

function card(v: VitalSummary, selected: string, ctx: ViewContext): HTMLElement {
  return h(
    'a',
    { class: `kpi rating-${v.rating}${v.name === selected ? ' selected' : ''}`, href: href('vitals', { range: ctx.range.key, name: v.name }), 'data-metric': v.name, 'data-value': v.p75 },
    h('span', { class: 'kpi-label' }, `${v.name} p75`),
    h('strong', {}, value(v.name, v.p75)),
    h('span', { class: 'kpi-sub' }, `${v.rating} · ${fmtPct(v.good, 0)} good · ${fmtInt(v.count)} samples`),
    shareBar(v),
  );
}

function shareBar(v: VitalSummary): HTMLElement {
  const part = (cls: string, share: number) => {
    const el = h('span', { class: cls, title: `${cls.replace('-', ' ')} ${fmtPct(share)}` });
    el.style.width = `${share * 100}%`;
    return el;
  };
  return h('span', { class: 'share-bar' }, part('good', v.good), part('needs-improvement', v.needs_improvement), part('poor', v.poor));
}

function pathTable(res: VitalsResponse): HTMLElement {
  return h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Path'), ...NAMES.map((n) => h('th', { class: 'num' }, n)))),
    h('tbody', {}, ...res.by_path.map((p) => h('tr', { 'data-path': p.path }, h('td', {}, h('code', {}, p.path)), ...NAMES.map((n) => {
      const v = p.vitals.find((x) => x.name === n);
      return h('td', { class: `num ${v ? `rating-${v.rating}` : ''}` }, v ? value(n, v.p75) : '–');
    })))),
  );
}
