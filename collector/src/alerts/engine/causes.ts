import type { AlertCause } from '@lifeline/protocol';
import type { Storage } from '../../storage/open-storage';
import { failingEndpoints, topErrorGroups } from '../queries/causes';
import { percent } from '../format-values';
import { view } from '../links';

/**
 * Likely causes for an alert that carries none of its own: the endpoints failing most and
 * the most frequent JavaScript errors in the alert's window.
 *
 * @example await lookUpCauses(storage, { project: 'demo', from, to })
 */
export async function lookUpCauses(storage: Storage, range: { project: string; from: number; to: number }): Promise<AlertCause[]> {
  const [endpoints, errors] = await Promise.all([failingEndpoints(storage, range, 3), topErrorGroups(storage, range, 3)]);
  return [
    ...endpoints.map((e): AlertCause => ({
      kind: 'endpoint',
      label: `${e.method} ${e.path}`,
      detail: `${e.failed} of ${e.requests} ${e.source === 'network' ? 'browser' : 'backend'} calls failed (${percent(e.failed / e.requests)})`,
      link: e.sample_request_id ? view('/timeline', { by: 'request', id: e.sample_request_id }) : view('/red', { path: e.path }),
    })),
    ...errors.map((g): AlertCause => ({
      kind: 'error_group',
      label: g.message || g.key,
      detail: `${g.count} errors in ${g.sessions} sessions`,
      link: view('/errors', { key: g.key }),
    })),
  ];
}
