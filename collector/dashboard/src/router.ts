/** A place in the dashboard: `#/<view>?<params>`. The read token never goes here. */
export interface Route {
  view: string;
  params: URLSearchParams;
}

export const VIEWS = ['overview', 'funnel', 'anomalies', 'errors', 'timeline', 'vitals', 'red', 'alerts'] as const;
export type ViewName = (typeof VIEWS)[number];

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [view = '', query = ''] = raw.split('?');
  return { view: (VIEWS as readonly string[]).includes(view) ? view : 'overview', params: new URLSearchParams(query) };
}

/** `#/errors?key=…` */
export function href(view: ViewName, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#/${view}${s ? `?${s}` : ''}`;
}

export function go(view: ViewName, params: Record<string, string | number | undefined> = {}): void {
  location.hash = href(view, params);
}
