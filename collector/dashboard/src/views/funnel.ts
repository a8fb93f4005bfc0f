import type { FunnelResponse, FunnelResult } from '@lifeline/protocol';
import { barChart } from '../charts/bar-chart';
import { COLOR } from '../colors';
import { fill, h, notice, panel } from '../dom';
import { fmtChange, fmtInt, fmtPct } from '../format';
import { go } from '../router';
import type { ViewContext } from './view';

export const DEFAULT_STEPS = 'view_product,add_to_cart,begin_checkout,order_created,purchase';
const WINDOWS = [['30m', '30 minutes'], ['1h', '1 hour'], ['1d', '1 day'], ['7d', '7 days']] as const;
const BREAKDOWNS = [['', 'No breakdown'], ['browser', 'Browser'], ['country', 'Country'], ['release', 'Release'], ['device', 'Device']] as const;

/**
 * Funnel: chosen steps, conversion window and period; a bar per step with conversion and
 * drop-off, the previous period beside it, and an optional breakdown.
 */
export async function funnel(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const steps = ctx.params.get('steps') || DEFAULT_STEPS;
  const window = ctx.params.get('window') || '1d';
  const breakdown = ctx.params.get('breakdown') ?? '';
  const query = { steps, from: ctx.range.from, window, compare: true, ...(breakdown ? { breakdown } : {}) };

  const stepsInput = h('input', { id: 'steps', name: 'steps', value: steps, size: 60, 'aria-describedby': 'steps-help' });
  const windowSelect = h('select', { id: 'window', name: 'window' }, ...WINDOWS.map(([v, l]) => h('option', { value: v, selected: v === window }, l)));
  const breakdownSelect = h('select', { id: 'breakdown', name: 'breakdown' }, ...BREAKDOWNS.map(([v, l]) => h('option', { value: v, selected: v === breakdown }, l)));
  const form = h(
    'form',
    {
      class: 'controls',
      onsubmit: (e: Event) => {
        e.preventDefault();
        go('funnel', { range: ctx.range.key, steps: stepsInput.value.trim(), window: windowSelect.value, breakdown: breakdownSelect.value });
      },
    },
    h('label', { for: 'steps' }, 'Steps'), stepsInput,
    h('label', { for: 'window' }, 'Window'), windowSelect,
    h('label', { for: 'breakdown' }, 'Breakdown'), breakdownSelect,
    h('button', { type: 'submit' }, 'Show'),
    h('small', { id: 'steps-help' }, 'Event names in order, comma-separated; filter a step with name[prop=value].'),
  );
  const result = h('div', { 'data-source': ctx.api.url('/v1/query/funnel', query) }, notice('Loading…'));
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Funnel'), h('span', { class: 'muted' }, ctx.range.label)), form, result);

  const f = await ctx.api.get<FunnelResponse>('/v1/query/funnel', query);
  if (ctx.gone()) return;
  const prev = f.previous?.total;
  const chart = h('div', { class: 'chart' });
  fill(
    result,
    summary(f.total, prev),
    h('section', { class: 'panel' }, h('h2', {}, 'Steps'), stepBars(f.total, prev)),
    h('section', { class: 'panel' }, h('h2', {}, 'Conversion from the first step, this period against the previous one'), chart),
    f.breakdown ? breakdownTable(f) : null,
  );
  ctx.keep(
    barChart(chart, {
      labels: f.total.steps.map((s) => s.label),
      xLabel: 'Step',
      series: [
        ...(prev ? [{ label: 'Previous period', values: prev.steps.map((s) => s.conversion_from_first), color: '#cbd5e1', size: 0.8 }] : []),
        { label: 'This period', values: f.total.steps.map((s) => s.conversion_from_first), color: COLOR.blue, size: 0.45 },
      ],
      yFmt: (v) => fmtPct(v, 0),
      label: 'Conversion from the first step per step',
    }),
  );
  ctx.drawn();
}

function summary(t: FunnelResult, prev: FunnelResult | undefined): HTMLElement {
  const change = prev && prev.conversion > 0 ? (t.conversion - prev.conversion) / prev.conversion : undefined;
  return h(
    'div',
    { class: 'kpis' },
    h('div', { class: 'kpi', 'data-metric': 'entered', 'data-value': t.entered }, h('span', { class: 'kpi-label' }, 'Entered'), h('strong', {}, fmtInt(t.entered))),
    h('div', { class: 'kpi', 'data-metric': 'completed', 'data-value': t.completed }, h('span', { class: 'kpi-label' }, 'Completed'), h('strong', {}, fmtInt(t.completed))),
    h('div', { class: 'kpi', 'data-metric': 'conversion', 'data-value': t.conversion },
      h('span', { class: 'kpi-label' }, 'Conversion'), h('strong', {}, fmtPct(t.conversion, 2)),
      prev ? h('span', { class: `kpi-sub ${change !== undefined && change < 0 ? 'down' : 'up'}` }, `previous period ${fmtPct(prev.conversion, 2)}${change !== undefined ? ` (${fmtChange(change)})` : ''}`) : null),
  );
}

function stepBars(t: FunnelResult, prev: FunnelResult | undefined): HTMLElement {
  return h(
    'ol',
    { class: 'funnel-steps' },
    ...t.steps.map((s, i) => {
      const p = prev?.steps[i];
      const bar = h('span', { class: 'bar' });
      bar.style.width = `${Math.max(0.5, s.conversion_from_first * 100)}%`;
      const mark = p ? h('span', { class: 'bar-prev', title: `previous period ${fmtPct(p.conversion_from_first)}` }) : null;
      if (mark && p) mark.style.left = `${p.conversion_from_first * 100}%`;
      return h(
        'li',
        { 'data-step': s.step, 'data-count': s.count },
        h('div', { class: 'step-head' }, h('strong', {}, s.label), h('span', {}, `${fmtInt(s.count)} · ${fmtPct(s.conversion_from_first)} of entered`)),
        h('div', { class: 'bar-track' }, bar, mark),
        s.step > 1
          ? h('div', { class: 'step-foot' }, `${fmtPct(s.conversion_from_previous)} from the previous step · `, h('span', { class: 'drop' }, `${fmtInt(s.drop_off)} dropped (${fmtPct(s.drop_off_rate)})`), p ? ` · previous period ${fmtPct(p.conversion_from_previous)}` : '')
          : null,
      );
    }),
  );
}

function breakdownTable(f: FunnelResponse): HTMLElement {
  const rows = f.breakdown ?? [];
  return panel(
    `By ${f.breakdown_by}`,
    h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', {}, f.breakdown_by ?? ''), h('th', { class: 'num' }, 'Entered'), ...f.steps.slice(1).map((s) => h('th', { class: 'num' }, s.label)), h('th', { class: 'num' }, 'Conversion'))),
      h('tbody', {}, ...rows.map((r) => h('tr', { 'data-value': r.value },
        h('td', {}, r.value || '(unknown)'),
        h('td', { class: 'num' }, fmtInt(r.entered)),
        ...r.steps.slice(1).map((s) => h('td', { class: 'num' }, `${fmtInt(s.count)} (${fmtPct(s.conversion_from_previous, 0)})`)),
        h('td', { class: 'num' }, fmtPct(r.conversion, 2)),
      ))),
    ),
  );
}
