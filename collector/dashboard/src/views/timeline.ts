import type { QueryTimelineResponse, StoredEvent } from '@lifeline/protocol';
import { ApiError } from '../api';
import { fill, h, notice } from '../dom';
import { fmtClock, fmtDate, fmtMs } from '../format';
import { go, href } from '../router';
import type { ViewContext } from './view';

const BY = [['auto', 'Any ID'], ['request', 'Request ID'], ['session', 'Session'], ['user', 'User'], ['order', 'Order ID'], ['trace', 'Trace ID'], ['email', 'Email']] as const;

/** Where an event comes from, shown as its lane. */
type Source = 'browser' | 'network' | 'backend' | 'flags';
const SOURCE: Record<StoredEvent['kind'], Source> = { pageview: 'browser', track: 'browser', error: 'browser', vital: 'browser', degrade: 'browser', network: 'network', log: 'backend', flag: 'flags' };

/** Timeline: one request, session, user, order or email across browser, network, backend and flags, in order. */
export async function timeline(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const id = ctx.params.get('id') ?? '';
  const by = ctx.params.get('by') ?? 'auto';
  const idInput = h('input', { id: 'lookup-id', name: 'id', value: id, size: 44, placeholder: 'request ID, session, user, order ID, email…', required: true });
  const bySelect = h('select', { id: 'lookup-by', name: 'by', 'aria-label': 'Look up by' }, ...BY.map(([v, l]) => h('option', { value: v, selected: v === by }, l)));
  const form = h('form', { class: 'controls', onsubmit: (e: Event) => (e.preventDefault(), go('timeline', { by: bySelect.value, id: idInput.value.trim() })) },
    bySelect, idInput, h('button', { type: 'submit' }, 'Look up'));
  const out = h('div', { class: 'timeline-out' });
  fill(root, h('div', { class: 'view-head' }, h('h1', {}, 'Timeline')), form, out,
    h('p', { class: 'muted small' }, 'An email finds the users the store identified with it: only a hash of it is stored, and only when the store sends one.'));
  if (!id) {
    fill(out, notice('Give a request ID (from an error page or a support ticket), a session, a user, an order ID or a customer’s email.'));
    ctx.drawn();
    return;
  }
  const query = { id, by };
  out.dataset.source = ctx.api.url('/v1/query/timeline', query);
  fill(out, notice('Loading…'));
  let t: QueryTimelineResponse;
  try {
    t = await ctx.api.get<QueryTimelineResponse>('/v1/query/timeline', query);
  } catch (err) {
    // A lookup the collector refuses (a malformed email) says why where the answer goes.
    if (!(err instanceof ApiError) || err.status !== 400 || ctx.gone()) throw err;
    fill(out, notice(`That lookup was refused: ${err.message}.`, 'error'));
    ctx.drawn();
    return;
  }
  if (ctx.gone()) return;
  if (!t.events.length) {
    fill(out, notice(t.by === 'email' && !t.user_ids?.length ? `No user was identified with ${t.id} (the store sends a hash of the email when a customer signs in).` : `Nothing found for ${id}.`));
    ctx.drawn();
    return;
  }
  const first = t.events[0]!.ts;
  fill(
    out,
    h('p', { class: 'muted' }, `${t.events.length} events for ${t.by} ${t.id}${t.truncated ? ' (the oldest shown; more exist)' : ''}, ${fmtDate(first)}. `,
      t.sessions.length ? `Sessions: ${t.sessions.length}. ` : '', t.request_ids.length ? `Requests: ${t.request_ids.length}.` : ''),
    t.user_ids?.length
      ? h('p', { class: 'matched-users' }, t.user_ids.length === 1 ? 'User: ' : 'Users, the most recently identified first: ',
          ...t.user_ids.flatMap((u, i) => [i ? ', ' : '', h('a', { href: href('timeline', { by: 'user', id: u }), 'data-user': u }, u)]))
      : null,
    h('div', { class: 'legend' }, ...(['browser', 'network', 'backend', 'flags'] as const).map((s) => h('span', { class: `lane-key source-${s}` }, s))),
    h('ol', { class: 'timeline' }, ...t.events.map((e) => row(e, first, t.via[e.event_id]))),
  );
  ctx.drawn();
}

function row(e: StoredEvent, first: number, via: string | undefined): HTMLElement {
  const source = SOURCE[e.kind] ?? 'browser';
  const details = detailsOf(e);
  return h(
    'li',
    { class: `event source-${source} kind-${e.kind}${isBad(e) ? ' bad' : ''}`, 'data-source': source, 'data-kind': e.kind, 'data-event-id': e.event_id },
    h('time', { datetime: new Date(e.ts).toISOString() }, fmtClock(e.ts), h('span', { class: 'delta' }, `+${fmtMs(e.ts - first)}`)),
    h('span', { class: `badge source-${source}` }, e.kind),
    h('span', { class: 'what' }, describe(e), via && via !== 'match' ? h('span', { class: 'via', title: 'why this event is here' }, ` via ${via}`) : null),
    details.length ? h('details', {}, h('summary', {}, 'details'), h('dl', {}, ...details.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))) : null,
  );
}

function isBad(e: StoredEvent): boolean {
  return e.kind === 'error' || (e.kind === 'network' && (e.status === 0 || e.status >= 500)) || (e.kind === 'log' && (e.level === 'error' || e.level === 'fatal')) || e.kind === 'degrade';
}

function describe(e: StoredEvent): string {
  switch (e.kind) {
    case 'pageview': return `viewed ${pathOf(e.url)}`;
    case 'track': return `${e.name}${e.props && Object.keys(e.props).length ? ` ${JSON.stringify(e.props)}` : ''}`;
    case 'error': return e.message;
    case 'vital': return `${e.name} ${e.name === 'CLS' ? e.value.toFixed(3) : fmtMs(e.value)}${e.rating ? ` (${e.rating})` : ''}`;
    case 'network': return `${e.method} ${pathOf(e.url)} → ${e.status || 'failed'} in ${fmtMs(e.duration_ms)}`;
    case 'log': return `${e.service ? `[${e.service}] ` : ''}${e.level}: ${e.message}`;
    case 'degrade': return `${e.feature} fallback ${e.state} (${e.reason})${e.message ? `: ${e.message}` : ''}`;
    case 'flag': return `flag ${e.feature} ${e.from_state} → ${e.state}${e.actor ? ` by ${e.actor}` : ''}${e.message ? `: ${e.message}` : ''}`;
  }
}

function detailsOf(e: StoredEvent): [string, HTMLElement | string][] {
  const d: [string, HTMLElement | string][] = [];
  const link = (view: 'timeline', by: string, id: string) => h('a', { href: href(view, { by, id }) }, id);
  if (e.request_id) d.push(['request', link('timeline', 'request', e.request_id)]);
  if (e.session_id) d.push(['session', link('timeline', 'session', e.session_id)]);
  if (e.user_id) d.push(['user', link('timeline', 'user', e.user_id)]);
  if (e.order_id) d.push(['order', link('timeline', 'order', e.order_id)]);
  if (e.url) d.push(['url', e.url]);
  if (e.release) d.push(['release', e.release]);
  if (e.kind === 'error' && e.stack) d.push(['stack', h('pre', { class: 'stack' }, e.stack)]);
  if ('props' in e && e.props && Object.keys(e.props).length) d.push(['props', JSON.stringify(e.props)]);
  return d;
}

function pathOf(url: string): string {
  try {
    const u = new URL(url, location.origin);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
