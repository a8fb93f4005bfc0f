import type {
  AnomaliesQuery,
  AnomaliesResponse,
  ErrorsQuery,
  ErrorsResponse,
  FunnelQuery,
  FunnelResponse,
  MetricsQuery,
  MetricsResponse,
  QueryTimelineQuery,
  QueryTimelineResponse,
  RedQuery,
  RedResponse,
  SearchQuery,
  SearchResponse,
  VitalsQuery,
  VitalsResponse,
} from '@lifeline/protocol';
import type { Storage } from '../storage/open-storage';
import { queryAnomalies } from './anomalies/anomalies';
import { queryErrorGroups } from './errors/error-groups';
import { queryFunnel } from './funnel/funnel';
import { queryMetrics } from './metrics/metrics';
import { queryRed } from './red';
import { querySearch } from './search';
import { queryRelatedTimeline } from './timeline/related-timeline';
import { queryVitals } from './vitals';

/** Every query, for one storage; each takes the project and its validated parameters. */
export interface QueryService {
  funnel(project: string, q: FunnelQuery): Promise<FunnelResponse>;
  metrics(project: string, q: MetricsQuery): Promise<MetricsResponse>;
  anomalies(project: string, q: AnomaliesQuery): Promise<AnomaliesResponse>;
  errors(project: string, q: ErrorsQuery): Promise<ErrorsResponse>;
  search(project: string, q: SearchQuery): Promise<SearchResponse>;
  vitals(project: string, q: VitalsQuery): Promise<VitalsResponse>;
  red(project: string, q: RedQuery): Promise<RedResponse>;
  timeline(project: string, q: QueryTimelineQuery): Promise<QueryTimelineResponse>;
}

/**
 * Binds the queries to a storage and a clock. The HTTP routes and the CLI's embedded mode
 * both use it, so they answer alike.
 *
 * @example const queries = createQueryService(storage); await queries.funnel('demo', FunnelQuery.parse({ steps: 'a,b' }))
 */
export function createQueryService(storage: Storage, options: { now?: () => number } = {}): QueryService {
  const now = options.now ?? Date.now;
  return {
    funnel: (project, q) => queryFunnel(storage, project, q, now()),
    metrics: (project, q) => queryMetrics(storage, project, q, now()),
    anomalies: (project, q) => queryAnomalies(storage, project, q, now()),
    errors: (project, q) => queryErrorGroups(storage, project, q, now()),
    search: (project, q) => querySearch(storage, project, q, now()),
    vitals: (project, q) => queryVitals(storage, project, q, now()),
    red: (project, q) => queryRed(storage, project, q, now()),
    timeline: (project, q) => queryRelatedTimeline(storage, project, q, now()),
  };
}
