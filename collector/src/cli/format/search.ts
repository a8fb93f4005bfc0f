import type { SearchResponse } from '@lifeline/protocol';
import { renderTable, whenPrecise } from '../table';

/** Matching events, newest first. */
export function formatSearch(r: SearchResponse): string {
  if (r.events.length === 0) return 'no match\n';
  const text = (e: Record<string, unknown>) => String(e.message || e.url || e.stack || '');
  return (
    renderTable(
      [{ title: 'time (UTC)' }, { title: 'kind' }, { title: 'session' }, { title: 'request' }, { title: 'text' }],
      r.events.map((e) => {
        const x = e as Record<string, unknown>;
        return [whenPrecise(e.ts), e.kind, String(x.session_id ?? ''), String(x.request_id ?? ''), text(x)];
      }),
      80,
    ) + (r.truncated ? `(more matches: narrow the range or raise --limit)\n` : '')
  );
}
