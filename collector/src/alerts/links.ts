/** Builds the links a notification carries. */
export interface Links {
  /** The dashboard at a route: `dashboard('#/red?path=/api/pay')`. */
  dashboard(view: string): string;
  /** The runbook at an anchor: `runbook('slo-burn')`. */
  runbook(anchor: string): string;
}

/**
 * @example
 * const links = createLinks({ dashboardUrl: 'https://obs.example/dashboard/', runbookUrl: 'https://git.example/lifeline/docs/runbook.md' })
 * links.runbook('slo-burn') // 'https://git.example/lifeline/docs/runbook.md#slo-burn'
 */
export function createLinks(options: { dashboardUrl: string; runbookUrl: string }): Links {
  const dashboard = options.dashboardUrl.replace(/#.*$/, '').replace(/\/?$/, '/');
  const runbook = options.runbookUrl.replace(/#.*$/, '');
  return {
    dashboard: (view) => dashboard + (view.startsWith('#') ? view : `#${view}`),
    runbook: (anchor) => `${runbook}#${anchor}`,
  };
}

/** A dashboard route with its parameters encoded: `view('/timeline', { by: 'request', id })`. */
export function view(route: string, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${route}${s ? `?${s}` : ''}`;
}
