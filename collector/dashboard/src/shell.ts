import type { Api } from './api';
import type { ChartHandle } from './charts/chart-handle';
import { fill, h, notice } from './dom';
import { currentRoute, href, type ViewName } from './router';
import { PERIODS, period, type View } from './views/view';

const NAV: [ViewName, string][] = [
  ['overview', 'Overview'],
  ['funnel', 'Funnel'],
  ['anomalies', 'Anomalies'],
  ['errors', 'Errors'],
  ['timeline', 'Timeline'],
  ['vitals', 'Web vitals'],
  ['red', 'RED'],
  ['alerts', 'Alerts'],
];

/**
 * The signed-in page: header (project, period, sign out), navigation, and the current view,
 * re-rendered on every change of the address's hash.
 */
export function startShell(root: HTMLElement, o: { api: Api; project: string; views: Record<ViewName, View>; signOut: () => void }): () => void {
  const main = h('main', { id: 'view', tabindex: -1 });
  const nav = h('nav', { 'aria-label': 'Views' }, ...NAV.map(([v, label]) => h('a', { href: href(v), 'data-view': v }, label)));
  const periodSelect = h('select', { id: 'period', 'aria-label': 'Period' }, ...PERIODS.map((p) => h('option', { value: p.key }, p.label)));
  periodSelect.addEventListener('change', () => {
    const { view, params } = currentRoute();
    params.set('range', periodSelect.value);
    location.hash = `#/${view}?${params}`;
  });
  const header = h(
    'header',
    { class: 'topbar' },
    h('strong', { class: 'brand' }, 'Lifeline'),
    h('span', { class: 'project', title: 'Project of the read token' }, o.project),
    h('span', { class: 'spacer' }),
    periodSelect,
    h('button', { type: 'button', class: 'quiet', onclick: () => o.signOut() }, 'Sign out'),
  );
  root.replaceChildren(header, h('div', { class: 'layout' }, nav, main));

  let leave = () => {};
  const render = () => {
    leave();
    const route = currentRoute();
    const view = route.view as ViewName;
    const range = period(route.params.get('range'));
    periodSelect.value = range.key;
    for (const a of nav.querySelectorAll('a')) a.toggleAttribute('aria-current', a.dataset.view === view);
    const charts: ChartHandle[] = [];
    let left = false;
    leave = () => {
      left = true;
      charts.splice(0).forEach((c) => c.destroy());
    };
    const container = h('div', { class: `view view-${view}`, 'data-view': view });
    fill(main, container);
    const marks = document.documentElement.dataset;
    delete marks.drawnAt;
    delete marks.settledAt;
    const mark = (name: 'drawnAt' | 'settledAt') => {
      if (!left) marks[name] = String(Math.round(performance.now()));
    };
    o.views[view](container, {
      api: o.api,
      params: route.params,
      range,
      keep: (c) => (left ? c.destroy() : charts.push(c)),
      drawn: () => mark('drawnAt'),
      gone: () => left,
    })
      .catch((err: unknown) => {
        if (!left) container.append(notice(err instanceof Error ? err.message : String(err), 'error'));
      })
      // Everything the view waits for is in (parts filled after its charts were drawn, too).
      .finally(() => mark('settledAt'));
  };
  window.addEventListener('hashchange', render);
  render();
  return () => {
    window.removeEventListener('hashchange', render);
    leave();
  };
}
