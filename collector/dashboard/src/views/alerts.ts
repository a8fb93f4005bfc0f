import type { ActiveAlert, AlertHistoryEntry, AlertHistoryResponse, DeadLetterResponse } from '@lifeline/protocol';
import { fill, h, notice, panel } from '../dom';
import { fmtTime } from '../format';
import type { ViewContext } from './view';

/** Links from the rules file are shown only when they are web or in-page addresses. */
const safe = (url: string) => (/^(https?:\/\/|#|\/)/.test(url) ? url : undefined);

/** Alerts: what fires now, every notification sent, and what could not be delivered. */
export async function alerts(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const firing = panel('Firing now', notice('Loading…'));
  const history = panel('History', notice('Loading…'));
  const dead = h('div', {});
  history.dataset.source = ctx.api.url('/v1/alerts/history', { limit: 200 });
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Alerts')), dead, firing, history);

  const [res, letters] = await Promise.all([
    ctx.api.get<AlertHistoryResponse>('/v1/alerts/history', { limit: 200 }),
    ctx.api.get<DeadLetterResponse>('/v1/alerts/dead-letter').catch(() => undefined),
  ]);
  if (ctx.gone()) return;
  fill(firing, h('h2', {}, `Firing now (${res.firing.length})`), res.firing.length ? h('div', { class: 'alert-cards' }, ...res.firing.map(card)) : notice('Nothing is firing.'));
  fill(history, h('h2', {}, 'History'), res.history.length ? historyTable(res.history) : notice('No alert has been sent yet.'));
  if (letters?.dead_letters.length) {
    fill(dead, h('p', { class: 'notice error', role: 'alert' }, `${letters.dead_letters.length} notifications could not be delivered and wait in the dead-letter list (POST /v1/alerts/dead-letter/replay with the admin token sends them again). Last reason: ${letters.dead_letters.at(-1)!.reason}`));
  }
  ctx.drawn();
}

function card(a: ActiveAlert): HTMLElement {
  return h(
    'article',
    { class: `alert-card severity-${a.severity}`, 'data-key': a.key },
    h('header', {}, h('span', { class: `badge severity-${a.severity}` }, a.severity), h('strong', {}, a.name), h('span', { class: 'muted' }, ` since ${fmtTime(a.started_at)}`)),
    h('p', {}, a.summary),
    a.causes.length ? h('ul', { class: 'causes' }, ...a.causes.map((c) => h('li', {}, c.link && safe(c.link) ? h('a', { href: safe(c.link) }, c.label) : c.label, c.detail ? ` — ${c.detail}` : ''))) : null,
    h('p', { class: 'links' },
      safe(a.links.dashboard) ? h('a', { href: safe(a.links.dashboard) }, 'Open the data') : null,
      safe(a.links.runbook) ? h('a', { href: safe(a.links.runbook), rel: 'noreferrer' }, 'Runbook') : h('span', { class: 'muted' }, `Runbook: ${a.links.runbook}`)),
  );
}

function historyTable(entries: AlertHistoryEntry[]): HTMLElement {
  return h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'What'), h('th', {}, 'Severity'), h('th', {}, 'Alert'), h('th', {}, 'Summary'), h('th', {}, 'Delivery'))),
    h('tbody', {}, ...entries.map((e) => h('tr', { 'data-id': e.id, class: `kind-${e.kind}` },
      h('td', {}, fmtTime(e.at)),
      h('td', {}, e.kind === 'repeat' ? 'still firing' : e.kind),
      h('td', {}, h('span', { class: `badge severity-${e.alert.severity}` }, e.alert.severity)),
      h('td', {}, e.alert.name),
      h('td', { class: 'small' }, e.alert.summary),
      h('td', { class: `delivery-${e.delivery}` }, e.delivery === 'delivered' ? `delivered (${e.channel})` : e.delivery.replace('_', ' ')),
    ))),
  );
}
