import { FEATURE_STATES, StatusResponse, type DashboardFlagsResponse, type FeatureState } from '@lifeline/protocol';
import { errorMessage } from '../log';
import type { Storage } from '../storage/open-storage';
import { latestFlags, type LatestFlag } from './queries/flag-events';

/** Where the edge serves live flags: `LIFELINE_EDGE_URL` and the project's public key. */
export interface EdgeStatusSource {
  url: string;
  publicKey: string;
}

type Flag = DashboardFlagsResponse['flags'][number];

const isState = (s: string): s is FeatureState => (FEATURE_STATES as readonly string[]).includes(s);

/**
 * Every feature's flag now: from the edge's `GET /v1/status?key=` when it is configured
 * (that is what browsers see), else each feature's latest `flag` event in storage. The
 * answer says which, and why the edge was not used if it failed.
 *
 * @example await currentFlags({ storage, project: 'demo', edge: { url: 'http://127.0.0.1:8787', publicKey: 'pk_demo' } })
 */
export async function currentFlags(o: { storage: Storage; project: string; edge?: EdgeStatusSource | undefined; fetch?: typeof fetch }): Promise<DashboardFlagsResponse> {
  const stored = await latestFlags(o.storage, o.project);
  const fromEvents = stored.filter((f) => isState(f.state)).map(toFlag);
  const edge = o.edge;
  if (!edge) return { project: o.project, source: 'events', flags: fromEvents };
  try {
    const url = new URL('/v1/status', edge.url);
    url.searchParams.set('key', edge.publicKey);
    const res = await (o.fetch ?? fetch)(url, { signal: AbortSignal.timeout(2000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`the edge answered HTTP ${res.status}`);
    const status = StatusResponse.parse(await res.json());
    // One public key names one project; a token of another project reads storage.
    if (status.project !== o.project) throw new Error(`LIFELINE_PUBLIC_KEY belongs to project "${status.project}"`);
    const known = new Map(stored.map((f) => [f.feature, f]));
    const flags = Object.entries(status.flags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([feature, flag]): Flag => {
        // The edge knows the state; the change's time and author come from its flag event.
        const last = known.get(feature);
        const same = last && last.state === flag.state;
        return {
          feature,
          state: flag.state,
          ...(flag.message ? { message: flag.message } : {}),
          ...(flag.until ? { until: flag.until } : {}),
          ...(same ? { since: last.since } : {}),
          ...(same && last.actor ? { actor: last.actor } : {}),
        };
      });
    return { project: o.project, source: 'edge', flags };
  } catch (err) {
    return { project: o.project, source: 'events', edge_error: errorMessage(err), flags: fromEvents };
  }
}

function toFlag(f: LatestFlag): Flag {
  return {
    feature: f.feature,
    state: f.state as FeatureState,
    since: f.since,
    ...(f.message ? { message: f.message } : {}),
    ...(f.actor ? { actor: f.actor } : {}),
  };
}
