import type { RedEndpoint, RedResponse } from '@lifeline/protocol';
import { barChart } from '../charts/bar-chart';
import { COLOR } from '../colors';
import { fill, h, notice, panel } from '../dom';
import { fmtInt, fmtMs, fmtNum, fmtPct } from '../format';
import { go } from '../router';
import type { ViewContext } from './view';

const SOURCES = [['all', 'Browser and backend'], ['browser', 'Browser'], ['backend', 'Backend']] as const;
const CHARTED = 10;

/** RED: rate, errors and duration percentiles per endpoint, from the browser's and the backend's side. */
export async function red(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const source = ctx.params.get('source') ?? 'all';
  const path = ctx.params.get('path') ?? '';
  const query = { from: ctx.range.from, source, ...(path ? { path } : {}) };
  const pathInput = h('input', { id: 'red-path', name: 'path', value: path, placeholder: '/api/', size: 24 });
  const sourceSelect = h('select', { id: 'red-source', name: 'source', 'aria-label': 'Source' }, ...SOURCES.map(([v, l]) => h('option', { value: v, selected: v === source }, l)));
  const form = h('form', { class: 'controls', onsubmit: (e: Event) => (e.preventDefault(), go('red', { range: ctx.range.key, source: sourceSelect.value, path: pathInput.value.trim() })) },
    sourceSelect, h('label', { for: 'red-path' }, 'Path contains'), pathInput, h('button', { type: 'submit' }, 'Filter'));
  const body = h('div', { 'data-source': ctx.api.url('/v1/query/red', query) }, notice('Loading…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'RED: rate, errors, duration'), h('span', { class: 'muted' }, ctx.range.label)), form, body);

  const res = await ctx.api.get<RedResponse>('/v1/query/red', query);
  if (ctx.gone()) return;
  if (!res.endpoints.length) {
    fill(body, notice('No calls in this period.'));
    ctx.drawn();
    return;
  }
  const top = res.endpoints.slice(0, CHARTED);
  const chart = h('div', { class: 'chart' });
  fill(body, panel(`Duration percentiles of the ${top.length} busiest endpoints`, chart), panel('Endpoints', table(res.endpoints)));
  const label = (e: RedEndpoint) => `${e.source === 'backend' ? 'be ' : ''}${e.method} ${e.path}`;
  ctx.keep(barChart(chart, {
    labels: top.map(label),
    xLabel: 'Endpoint',
    series: [
      { label: 'p99', values: top.map((e) => e.p99), color: '#fecaca', size: 0.8 },
      { label: 'p95', values: top.map((e) => e.p95), color: '#f87171', size: 0.55 },
      { label: 'p50', values: top.map((e) => e.p50), color: COLOR.red, size: 0.3 },
    ],
    yFmt: fmtMs,
    height: 220,
    label: 'Duration percentiles per endpoint',
  }));
  ctx.drawn();
}

function table(endpoints: RedEndpoint[]): HTMLElement {
  return h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, ...['Source', 'Endpoint', 'Requests', 'Per minute', 'Errors', 'Error rate', 'p50', 'p95', 'p99'].map((t, i) => h('th', { class: i >= 2 ? 'num' : undefined }, t)))),
    h('tbody', {}, ...endpoints.map((e) => h('tr', { 'data-endpoint': `${e.source} ${e.method} ${e.path}`, class: e.error_rate >= 0.05 ? 'bad' : undefined },
      h('td', {}, e.source),
      h('td', {}, h('code', {}, `${e.method} ${e.path}`)),
      h('td', { class: 'num', 'data-requests': e.requests }, fmtInt(e.requests)),
      h('td', { class: 'num' }, fmtNum(e.rate_per_min)),
      h('td', { class: 'num' }, fmtInt(e.errors)),
      h('td', { class: 'num' }, fmtPct(e.error_rate, 2)),
      h('td', { class: 'num' }, fmtMs(e.p50)),
      h('td', { class: 'num' }, fmtMs(e.p95)),
      h('td', { class: 'num' }, fmtMs(e.p99)),
    ))),
  );
}
