import type { QueryTimelineResponse, StoredEvent } from '@lifeline/protocol';
import { renderTable, whenPrecise } from '../table';

/** What an event says, in a few words. */
function describe(e: StoredEvent): string {
  const x = e as Record<string, unknown>;
  switch (e.kind) {
    case 'pageview':
      return `${x.url}`;
    case 'track':
      return `${x.name}${x.props && Object.keys(x.props as object).length ? ` ${JSON.stringify(x.props)}` : ''}`;
    case 'network':
      return `${x.method} ${x.url} → ${x.status} in ${x.duration_ms} ms`;
    case 'vital':
      return `${x.name} ${x.name === 'CLS' ? Number(x.value).toFixed(3) : `${Math.round(Number(x.value))} ms`}${x.rating ? ` (${x.rating})` : ''}`;
    case 'log':
      return `[${x.level}${x.service ? ` ${x.service}` : ''}] ${x.message}`;
    case 'error':
      return `${x.message}`;
    case 'degrade':
      return `${x.feature} ${x.state} (${x.reason})${x.message ? `: ${x.message}` : ''}`;
    case 'flag':
      return `${x.feature} ${x.from_state} → ${x.state}${x.actor ? ` by ${x.actor}` : ''}${x.message ? `: ${x.message}` : ''}`;
    default:
      return '';
  }
}

/** A timeline as one row per event, oldest first, with where it came from and why it is there. */
export function formatTimeline(r: QueryTimelineResponse): string {
  // An email lookup names the users it matched, newest first.
  const users = r.user_ids?.length ? ` (user ${r.user_ids.join(', ')})` : '';
  const head = `Timeline of ${r.by} ${r.id}${users}: ${r.events.length} events, ${r.sessions.length} sessions, ${r.request_ids.length} requests${r.truncated ? ' (truncated)' : ''}\n\n`;
  if (r.events.length === 0) return `${head}nothing found\n`;
  const source = (e: StoredEvent) => (e.kind === 'log' ? 'backend' : e.kind === 'flag' ? 'ops' : 'browser');
  return (
    head +
    renderTable(
      [{ title: 'time (UTC)' }, { title: 'source' }, { title: 'kind' }, { title: 'via' }, { title: 'request' }, { title: 'what' }],
      r.events.map((e) => [
        whenPrecise(e.ts),
        source(e),
        e.kind,
        r.via[e.event_id] ?? '',
        ((e as { request_id?: string }).request_id ?? '').slice(0, 8),
        describe(e),
      ]),
      90,
    )
  );
}
