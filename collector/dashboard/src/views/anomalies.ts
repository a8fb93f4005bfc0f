import type { Anomaly, AnomaliesResponse, AnomalyCause } from '@lifeline/protocol';
import { timeChart } from '../charts/time-chart';
import { COLOR } from '../colors';
import { fill, h, notice } from '../dom';
import { fmtChange, fmtNum, fmtPct, fmtTime } from '../format';
import { href } from '../router';
import type { ViewContext } from './view';

/** Charts are drawn for the first few anomalies only; the rest list their figures. */
const CHARTED = 8;

/** Anomalies: what left its baseline, when, by how much, and the likely causes, each linking to where to look. */
export async function anomalies(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const metric = ctx.params.get('metric') ?? undefined;
  const query = { from: ctx.range.from, ...(metric ? { metrics: metric } : {}) };
  const list = h('div', { class: 'anomalies', 'data-source': ctx.api.url('/v1/query/anomalies', query) }, notice('Looking for anomalies…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Anomalies'), h('span', { class: 'muted' }, `${ctx.range.label}${metric ? ` · ${metric}` : ''}`)), list);

  const res = await ctx.api.get<AnomaliesResponse>('/v1/query/anomalies', query);
  if (ctx.gone()) return;
  if (!res.anomalies.length) {
    fill(list, notice(`No anomalies in this period. Each hour was compared with the same hour in the ${res.weeks} weeks before.`));
    ctx.drawn();
    return;
  }
  const cards = res.anomalies.map((a, i) => card(a, i, ctx));
  fill(list, ...cards.map((c) => c.el), res.hours_without_baseline ? notice(`${res.hours_without_baseline} hours had too little history to be judged.`) : null);
  for (const c of cards) c.draw?.();
  ctx.drawn();
}

function card(a: Anomaly, i: number, ctx: ViewContext) {
  // A line needs a few hours to say anything; shorter anomalies list their hours instead.
  const chart = i < CHARTED && a.hours.length >= 3 ? h('div', { class: 'chart small' }) : null;
  const fmt = (v: number) => (a.metric === 'conversion_rate' ? fmtPct(v, 2) : fmtNum(v));
  const el = h(
    'article',
    { class: `panel anomaly severity-${a.severity}`, 'data-metric': a.metric, 'data-start': a.start },
    h('header', {},
      h('span', { class: `badge severity-${a.severity}` }, a.severity),
      h('h2', {}, `${a.metric} ${a.direction === 'drop' ? 'dropped' : 'spiked'} ${fmtChange(a.change)}`),
      h('span', { class: 'muted' }, `${fmtTime(a.start)} – ${fmtTime(a.end)}`)),
    h('p', {}, `Observed ${fmt(a.observed)} against ${fmt(a.expected)} expected (score ${a.score.toFixed(1)}).`),
    chart ?? h('ul', { class: 'hours small' }, ...a.hours.map((x) => h('li', {}, `${fmtTime(x.t)}: ${fmt(x.observed)} against ${fmt(x.expected)} expected`))),
    a.causes.length ? h('div', {}, h('h3', {}, 'Likely causes'), h('ol', { class: 'causes' }, ...a.causes.map((c) => cause(c, ctx)))) : h('p', { class: 'notice muted' }, 'No likely cause stood out.'),
  );
  const draw = chart
    ? () =>
        ctx.keep(
          timeChart(chart, {
            x: a.hours.map((x) => x.t),
            series: [
              { label: 'Observed', values: a.hours.map((x) => x.observed), color: COLOR.red },
              { label: 'Expected', values: a.hours.map((x) => x.expected), color: COLOR.gray, dash: [5, 4] },
            ],
            yFmt: fmt,
            height: 140,
            label: `${a.metric} observed and expected per hour`,
          }),
        )
    : undefined;
  return { el, draw };
}

/** A cause with a link to where it can be looked at. */
function cause(c: AnomalyCause, ctx: ViewContext): HTMLElement {
  const range = ctx.range.key;
  const link = ((): [string, string] | undefined => {
    switch (c.kind) {
      case 'error_group':
        return [href('errors', { range, key: c.key }), 'error group'];
      case 'endpoint':
        return c.sample_request_id ? [href('timeline', { by: 'request', id: c.sample_request_id }), 'a failed request'] : [href('red', { range, path: c.path }), 'endpoint'];
      case 'flag':
      case 'degrade':
        return [href('overview', { range }), 'flags'];
      case 'release':
        return [href('errors', { range }), 'errors'];
      case 'segment':
        return [href('funnel', { range, breakdown: c.dimension }), `funnel by ${c.dimension}`];
    }
  })();
  return h('li', { 'data-cause': c.kind }, h('span', { class: 'cause-kind' }, c.kind.replace('_', ' ')), ' ', c.summary, link ? [' — ', h('a', { href: link[0] }, `open ${link[1]}`)] : null);
}
