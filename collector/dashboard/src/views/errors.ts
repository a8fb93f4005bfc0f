import type { ErrorGroup, ErrorsResponse } from '@lifeline/protocol';
import { timeChart } from '../charts/time-chart';
import { sparkline } from '../charts/sparkline';
import { COLOR } from '../colors';
import { fill, h, notice } from '../dom';
import { fmtInt, fmtTime } from '../format';
import { href } from '../router';
import type { ViewContext } from './view';

/** Errors: groups with their trend; a group opens its sample stack, who it hit, and timelines. */
export async function errors(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const key = ctx.params.get('key');
  const interval = ctx.range.days <= 2 ? 'hour' : 'day';
  const query = { from: ctx.range.from, interval, limit: 50 };
  const table = h('div', { 'data-source': ctx.api.url('/v1/query/errors', query) }, notice('Loading…'));
  const detail = h('div', { class: 'error-detail' });
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Errors'), h('span', { class: 'muted' }, ctx.range.label)), detail, table);

  const res = await ctx.api.get<ErrorsResponse>('/v1/query/errors', query);
  if (ctx.gone()) return;
  if (!res.groups.length) {
    fill(table, notice('No errors in this period.'));
    ctx.drawn();
    return;
  }
  fill(
    table,
    h('table', { class: 'data errors' },
      h('thead', {}, h('tr', {}, h('th', {}, `Trend (per ${res.interval})`), h('th', {}, 'Error'), h('th', { class: 'num' }, 'Count'), h('th', { class: 'num' }, 'Users'), h('th', { class: 'num' }, 'Sessions'), h('th', {}, 'Last seen'), h('th', {}, 'Releases'))),
      h('tbody', {}, ...res.groups.map((g) => h('tr', { 'data-key': g.key, class: g.key === key ? 'selected' : undefined },
        h('td', {}, sparkline(g.trend, { label: `${g.count} occurrences` })),
        h('td', {}, h('a', { href: href('errors', { range: ctx.range.key, key: g.key }) }, g.message || g.key), h('div', { class: 'muted small' }, g.error_type || g.fingerprint)),
        h('td', { class: 'num', 'data-count': g.count }, fmtInt(g.count)),
        h('td', { class: 'num' }, fmtInt(g.users)),
        h('td', { class: 'num' }, fmtInt(g.sessions)),
        h('td', {}, fmtTime(g.last_seen)),
        h('td', { class: 'small' }, g.releases.slice(0, 3).join(', ')),
      ))),
    ),
  );
  const selected = res.groups.find((g) => g.key === key);
  if (selected) showGroup(detail, selected, res, ctx);
  else if (key) fill(detail, notice('That error group has no occurrences in this period.'));
  ctx.drawn();
}

/** Who the group hit, the most recently hit first: users link to their timeline, anonymous visitors to their latest session's. */
function affectedList(g: ErrorGroup): HTMLElement[] {
  const list = g.affected_users;
  if (!list.length) return [h('h3', {}, 'Affected users'), notice('No user or visitor ID came with these errors.')];
  const more = g.users > list.length ? ` (the ${list.length} most recent of ${fmtInt(g.users)})` : '';
  return [
    h('h3', {}, `Affected users${more}`),
    h('table', { class: 'data affected-users' },
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', { class: 'num' }, 'Times'), h('th', {}, 'Last hit'), h('th', {}, 'Timeline'))),
      h('tbody', {}, ...list.map((u) => h('tr', { 'data-user': u.id, 'data-anonymous': String(u.anonymous) },
        h('td', {}, h('code', {}, u.id), u.anonymous ? h('span', { class: 'muted small', title: 'a visitor ID: they were not signed in' }, ' anonymous') : null),
        h('td', { class: 'num' }, fmtInt(u.count)),
        h('td', {}, fmtTime(u.last_seen)),
        h('td', {}, u.anonymous
          ? u.session_id ? h('a', { href: href('timeline', { by: 'session', id: u.session_id }) }, 'their session') : ''
          : h('a', { href: href('timeline', { by: 'user', id: u.id }) }, 'their timeline')),
      ))),
    ),
  ];
}

function showGroup(el: HTMLElement, g: ErrorGroup, res: ErrorsResponse, ctx: ViewContext): void {
  const chart = h('div', { class: 'chart small' });
  const s = g.sample;
  fill(
    el,
    h('section', { class: 'panel', 'data-group': g.key },
      h('h2', {}, g.message || g.key),
      h('p', { class: 'muted' }, `${fmtInt(g.count)} times, ${fmtInt(g.users)} users affected in ${fmtInt(g.sessions)} sessions; first seen ${fmtTime(g.first_seen)}, last ${fmtTime(g.last_seen)}.`),
      chart,
      h('h3', {}, 'Latest occurrence'),
      h('p', {}, fmtTime(s.ts), ' on ', h('code', {}, s.url || '(no URL)')),
      h('pre', { class: 'stack' }, s.stack || s.message),
      h('p', { class: 'links' },
        s.session_id ? h('a', { href: href('timeline', { by: 'session', id: s.session_id }) }, 'Timeline of its session') : null,
        s.request_id ? h('a', { href: href('timeline', { by: 'request', id: s.request_id }) }, 'Timeline of its request') : null),
      affectedList(g),
    ),
  );
  ctx.keep(timeChart(chart, { x: res.buckets, series: [{ label: 'Occurrences', values: g.trend, color: COLOR.red, bars: true }], height: 130, yFmt: fmtInt, label: `Occurrences of ${g.key} per ${res.interval}` }));
}
