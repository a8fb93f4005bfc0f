import type { Anomaly, AnomaliesResponse, AnomalyCause } from '@lifeline/protocol';
import { timeChart } from '../charts/time-chart';
import { COLOR } from '../colors';
import { fill, h, notice } from '../dom';
import { fmtChange, fmtNum, fmtPct, fmtTime } from '../format';
import { href } from '../router';
import type { ViewContext } from './view';

/** Charts are drawn for the first few anomalies only; the rest list their figures. */
const CHARTED = 8;

/**
 * Anomalies: what left its baseline, when, by how much, and the likely causes, each linking
 * to where to look. Looking for causes takes most of the answer's time; coming from the
 * Overview, which asked for the same anomalies without causes a moment ago, the view draws
 * them from that answer at once and fills the causes in when they come. (Asking for both
 * every time would not help: on a busy machine the two requests slow each other down.)
 */
export async function anomalies(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const metric = ctx.params.get('metric') ?? undefined;
  const query = { from: ctx.range.from, ...(metric ? { metrics: metric } : {}) };
  const list = h('div', { class: 'anomalies', 'data-source': ctx.api.url('/v1/query/anomalies', query) }, notice('Looking for anomalies…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Anomalies'), h('span', { class: 'muted' }, `${ctx.range.label}${metric ? ` · ${metric}` : ''}`)), list);

  const explained = ctx.api.get<AnomaliesResponse>('/v1/query/anomalies', query);
  const early = ctx.api.peek<AnomaliesResponse>('/v1/query/anomalies', { ...query, causes: false });
  // If the earlier answer failed, the full one says why.
  const found = await (early ? Promise.race([explained, early.catch(() => explained)]) : explained);
  if (ctx.gone()) return;
  const shown = show(list, found, ctx);
  ctx.drawn();
  if (!shown.length || list.dataset.causes) return;
  let res: AnomaliesResponse;
  try {
    res = await explained;
  } catch (err) {
    for (const c of shown) fill(c.causes, notice(`The likely causes could not be looked for: ${err instanceof Error ? err.message : String(err)}`, 'error'));
    return;
  }
  if (ctx.gone()) return;
  // New events may have moved the anomalies in between: then the list is drawn again.
  const same = res.anomalies.length === shown.length && res.anomalies.every((a, i) => idOf(a) === idOf(shown[i]!.anomaly));
  if (!same) show(list, res, ctx);
  else res.anomalies.forEach((a, i) => fillCauses(shown[i]!.causes, a, ctx));
  list.dataset.causes = 'shown';
}

const idOf = (a: Anomaly) => `${a.metric} ${a.start} ${a.end}`;

/** Draws the list; cards of an answer without causes say they are being looked for. */
function show(list: HTMLElement, res: AnomaliesResponse, ctx: ViewContext) {
  if (!res.anomalies.length) {
    fill(list, notice(`No anomalies in this period. Each hour was compared with the same hour in the ${res.weeks} weeks before.`));
    list.dataset.causes = 'shown';
    return [];
  }
  const withCauses = res.anomalies.some((a) => a.causes.length > 0);
  const cards = res.anomalies.map((a, i) => card(a, i, ctx));
  fill(list, ...cards.map((c) => c.el), res.hours_without_baseline ? notice(`${res.hours_without_baseline} hours had too little history to be judged.`) : null);
  for (const c of cards) {
    c.draw?.();
    if (withCauses) fillCauses(c.causes, c.anomaly, ctx);
    else fill(c.causes, notice('Looking for likely causes…'));
  }
  if (withCauses) list.dataset.causes = 'shown';
  return cards;
}

function fillCauses(el: HTMLElement, a: Anomaly, ctx: ViewContext): void {
  if (!a.causes.length) fill(el, h('p', { class: 'notice muted' }, 'No likely cause stood out.'));
  else fill(el, h('h3', {}, 'Likely causes'), h('ol', { class: 'causes' }, ...a.causes.map((c) => cause(c, ctx))));
}

function card(a: Anomaly, i: number, ctx: ViewContext) {
  // A line needs a few hours to say anything; shorter anomalies list their hours instead.
  const chart = i < CHARTED && a.hours.length >= 3 ? h('div', { class: 'chart small' }) : null;
  const fmt = (v: number) => (a.metric === 'conversion_rate' ? fmtPct(v, 2) : fmtNum(v));
  const causes = h('div', { class: 'likely-causes' });
  const el = h(
    'article',
    { class: `panel anomaly severity-${a.severity}`, 'data-metric': a.metric, 'data-start': a.start },
    h('header', {},
      h('span', { class: `badge severity-${a.severity}` }, a.severity),
      h('h2', {}, `${a.metric} ${a.direction === 'drop' ? 'dropped' : 'spiked'} ${fmtChange(a.change)}`),
      h('span', { class: 'muted' }, `${fmtTime(a.start)} – ${fmtTime(a.end)}`)),
    h('p', {}, `Observed ${fmt(a.observed)} against ${fmt(a.expected)} expected (score ${a.score.toFixed(1)}).`),
    chart ?? h('ul', { class: 'hours small' }, ...a.hours.map((x) => h('li', {}, `${fmtTime(x.t)}: ${fmt(x.observed)} against ${fmt(x.expected)} expected`))),
    causes,
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
  return { el, draw, causes, anomaly: a };
}

/** A cause with links to where it can be looked at. */
function cause(c: AnomalyCause, ctx: ViewContext): HTMLElement {
  const range = ctx.range.key;
  const timelineOf = (what: string, request: string | undefined, session?: string): [string, string][] =>
    request ? [[href('timeline', { by: 'request', id: request }), what]] : session ? [[href('timeline', { by: 'session', id: session }), what]] : [];
  const links = ((): [string, string][] => {
    switch (c.kind) {
      case 'error_group':
        return [[href('errors', { range, key: c.key }), 'error group'], ...timelineOf('one occurrence’s timeline', c.sample_request_id, c.sample_session_id)];
      case 'endpoint':
        return c.sample_request_id ? timelineOf('a failed request', c.sample_request_id) : [[href('red', { range, path: c.path }), 'endpoint']];
      case 'flag':
      case 'degrade':
        return [[href('overview', { range }), 'flags']];
      case 'release':
        return [[href('errors', { range }), 'errors']];
      case 'segment':
        return [[href('funnel', { range, breakdown: c.dimension }), `funnel by ${c.dimension}`]];
    }
  })();
  return h('li', { 'data-cause': c.kind }, h('span', { class: 'cause-kind' }, c.kind.replace('_', ' ')), ' ', c.summary,
    links.map(([to, what], i) => [i ? ', ' : ' — ', h('a', { href: to, 'data-link': to.slice(2).split('?')[0] }, `open ${what}`)]));
}
